// The input of a fixture case (tests/fixtures/README.md): exactly one of `body`, `raw`, `raw_hex`
// or `raw_repeat`, turned into the bytes the case sends. The one reading of the format for every
// JavaScript runner. No Node-only API: the workerd consumer test bundles this file.

const encoder = new TextEncoder();
const INPUT_KEYS = ["body", "raw", "raw_hex", "raw_repeat"];

/**
 * Bytes from `raw_hex`: pairs of hexadecimal digits, white space between them ignored (as
 * tests/fixtures.rs reads them).
 * @param {string} hex
 * @returns {Uint8Array}
 */
export function hexBytes(hex) {
  const digits = hex.replace(/\s+/g, "");
  if (digits.length % 2 !== 0 || /[^0-9a-f]/i.test(digits)) throw new Error(`bad raw_hex ${hex.slice(0, 40)}`);
  const bytes = new Uint8Array(digits.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = Number.parseInt(digits.slice(2 * i, 2 * i + 2), 16);
  return bytes;
}

/**
 * A case's input: `text` (undefined for `raw_hex`, which need not be UTF-8) and `bytes`, the exact
 * bytes sent. Throws when the case has no input or more than one.
 * @param {{ name?: string, body?: unknown, raw?: string, raw_hex?: string,
 *   raw_repeat?: { prefix?: string, repeat?: string, count: number, suffix?: string } }} testCase
 * @returns {{ text: string | undefined, bytes: Uint8Array }}
 */
export function caseInput(testCase) {
  const given = INPUT_KEYS.filter((key) => key in testCase);
  if (given.length !== 1) throw new Error(`fixture ${testCase.name}: needs exactly one input, has ${given}`);
  if (testCase.raw_hex !== undefined) return { text: undefined, bytes: hexBytes(testCase.raw_hex) };
  let text;
  if ("body" in testCase) text = JSON.stringify(testCase.body);
  else if (testCase.raw !== undefined) text = testCase.raw;
  else {
    const { prefix = "", repeat = "", count, suffix = "" } = testCase.raw_repeat ?? { count: 0 };
    text = prefix + repeat.repeat(count) + suffix;
  }
  return { text, bytes: encoder.encode(text) };
}

/**
 * The exact bytes a case sends.
 * @param {Parameters<typeof caseInput>[0]} testCase
 * @returns {Uint8Array}
 */
export function caseBytes(testCase) {
  return caseInput(testCase).bytes;
}
