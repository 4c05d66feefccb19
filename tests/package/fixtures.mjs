// The fixture corpus for the package runners (ESM, CommonJS, bundles): the shared loader
// (tests/lib/fixtures.mjs) and the checks of compare.mjs.

export { fixtureFiles as loadFixtures } from "../lib/fixtures.mjs";
export { inputsOf, mismatches, runFile, sameJson, withJsonMismatches } from "./compare.mjs";
