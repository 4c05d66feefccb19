// The benchmark corpus, drawn from the fixture corpus (tests/fixtures/*.json): every real-client
// payload (tag "client") that is accepted, and the rejects, spread evenly over the rejected
// cases, so that rejects are about a fifth of the whole (80/20). Each input is given in every
// form a contender starts from: the UTF-8 bytes and the text.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const FIXTURES = fileURLToPath(new URL("../../tests/fixtures/", import.meta.url));

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Every fixture case, with the file it came from. */
export function loadCases(dir = FIXTURES) {
  const cases = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith(".json")).sort()) {
    for (const c of JSON.parse(readFileSync(join(dir, file), "utf8"))) cases.push({ ...c, file });
  }
  return cases;
}

/** The bytes of a case's input, as the fixture format defines them. */
export function caseBytes(c) {
  if ("body" in c) return encoder.encode(JSON.stringify(c.body));
  if ("raw" in c) return encoder.encode(c.raw);
  if ("raw_hex" in c) return Uint8Array.from(c.raw_hex.match(/../g) ?? [], (h) => parseInt(h, 16));
  if ("raw_repeat" in c) {
    const r = c.raw_repeat;
    return encoder.encode(r.prefix + r.repeat.repeat(r.count) + r.suffix);
  }
  throw new Error(`fixture ${c.name}: no input`);
}

/**
 * The corpus: accepted real-client payloads and about a quarter as many rejects. Bodies over
 * 8 KiB (the `raw_repeat` size cases) are left out: they measure a size check, not validation.
 */
export function benchCorpus(cases = loadCases()) {
  const small = cases.filter((c) => !("raw_repeat" in c));
  const clients = small.filter((c) => c.tags?.includes("client") && c.expect?.ok === true);
  const rejected = small.filter((c) => c.expect?.ok === false);
  const want = Math.min(rejected.length, Math.round(clients.length / 4));
  const rejects = [];
  for (let i = 0; i < want; i++) rejects.push(rejected[Math.floor((i * rejected.length) / want)]);
  return [...clients.map((c) => toInput(c, "client")), ...rejects.map((c) => toInput(c, "reject"))]
    .filter((input) => input.bytes.length <= 8192);
}

function toInput(c, group) {
  const bytes = caseBytes(c);
  return {
    name: c.name,
    file: c.file,
    group,
    expectOk: c.expect.ok,
    options: c.options,
    bytes,
    text: decoder.decode(bytes),
  };
}
