// Reads the fixture corpus (tests/fixtures/*.json, format in its README); the checks are in
// compare.mjs. Shared by the ESM, CommonJS and bundle runners.

import { readdirSync, readFileSync } from "node:fs";

const FIXTURES = new URL("../fixtures/", import.meta.url);

/** Every fixture file: [{ file, cases }], cases as parsed. */
export function loadFixtures() {
  return readdirSync(FIXTURES)
    .filter((name) => name.endsWith(".json"))
    .sort()
    .map((file) => ({ file, cases: JSON.parse(readFileSync(new URL(file, FIXTURES), "utf8")) }));
}

export { inputsOf, mismatches, runFile, sameJson, withJsonMismatches } from "./compare.mjs";
