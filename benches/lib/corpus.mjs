// The benchmark corpus, drawn from the fixture corpus (tests/fixtures/*.json): every rejected
// case once, and every accepted real-client payload (tag "client") repeated so that clients make
// four fifths of the whole (80/20), in a fixed shuffled order. Each input is given in every form
// a contender starts from: the UTF-8 bytes and the text.
import { caseBytes, fixtureCases } from "../../tests/lib/fixtures.mjs";

const decoder = new TextDecoder();

/** Inputs over 8 KiB (the size-limit cases, about 70 KB) measure a size check, not validation. */
const MAX_INPUT_BYTES = 8192;

/** The corpus: about 80 % accepted real-client payloads, 20 % rejects. */
export function benchCorpus(cases = fixtureCases()) {
  const clients = cases
    .filter((c) => c.tags?.includes("client") && c.expect?.ok === true)
    .map((c) => toInput(c, "client"));
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
