// The fixture corpus through the built package, imported by name as an ES module, with every
// input form (string, Uint8Array, ArrayBuffer, and the object for `body` cases).

import assert from "node:assert/strict";
import { test } from "node:test";
import * as api from "matrix-pusher-validator";
import { loadFixtures, runFile } from "./fixtures.mjs";

const files = loadFixtures();

test("the corpus is there", () => {
  assert.ok(files.reduce((n, f) => n + f.cases.length, 0) > 0, "no fixture cases found");
});

for (const { file, cases } of files) {
  test(`esm: ${file} (${cases.length} cases)`, () => {
    const failures = runFile(api, cases);
    assert.equal(failures.length, 0, `${failures.length} failures:\n${failures.join("\n")}`);
  });
}
