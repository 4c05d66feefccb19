// Reads the fixture corpus (tests/fixtures/*.json, format in its README) for every JavaScript
// runner: the package, the worker, the page, the hardening tests, the fuzz seeds and the
// benchmark corpus.

import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export { caseBytes, caseInput, hexBytes } from "./case-input.mjs";

/** The corpus folder. */
export const FIXTURES = fileURLToPath(new URL("../fixtures/", import.meta.url));

/**
 * Every fixture file in name order, with its cases as parsed.
 * @returns {Array<{ file: string, cases: Array<any> }>}
 */
export function fixtureFiles() {
  return readdirSync(FIXTURES)
    .filter((name) => name.endsWith(".json"))
    .sort()
    .map((file) => ({ file, cases: JSON.parse(readFileSync(join(FIXTURES, file), "utf8")) }));
}

/**
 * Every case of the corpus, in file then case order, each with the `file` it came from.
 * @returns {Array<any>}
 */
export function fixtureCases() {
  return fixtureFiles().flatMap(({ file, cases }) => cases.map((c) => ({ ...c, file })));
}
