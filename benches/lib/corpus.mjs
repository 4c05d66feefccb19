// The benchmark corpus, drawn from the fixture corpus (tests/fixtures/*.json): every rejected
// case once, and every accepted real-client payload (tag "client") repeated so that clients make
// four fifths of the whole (80/20), in a fixed shuffled order. Each input is given in every form
// a contender starts from: the UTF-8 bytes and the text.
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

/** Inputs over 8 KiB (the size-limit cases, about 70 KB) measure a size check, not validation. */
const MAX_INPUT_BYTES = 8192;

/** The corpus: about 80 % accepted real-client payloads, 20 % rejects. */
export function benchCorpus(cases = loadCases()) {
  const clients = cases.filter((c) => c.tags?.includes("client") && c.expect?.ok === true).map((c) => toInput(c, "client"));
  const rejects = cases
    .filter((c) => c.expect?.ok === false && !("raw_repeat" in c))
    .map((c) => toInput(c, "reject"))
    .filter((input) => input.bytes.length <= MAX_INPUT_BYTES);
  if (clients.length === 0) return rejects;
  const copies = Math.max(1, Math.round((4 * rejects.length) / clients.length));
  const inputs = [...rejects];
  for (let k = 0; k < copies; k++) inputs.push(...clients);
  return shuffle(inputs);
}

/** A Fisher-Yates shuffle with a fixed seed: the same order on every run. */
function shuffle(list) {
  let seed = 0x9e3779b9;
  const next = () => {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return (seed >>> 0) / 2 ** 32;
  };
  for (let i = list.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [list[i], list[j]] = [list[j], list[i]];
  }
  return list;
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
