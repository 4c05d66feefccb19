// The fixture corpus through the built package loaded with require() (the CommonJS build).

const assert = require("node:assert/strict");
const { test } = require("node:test");
const api = require("matrix-pusher-validator");

test("cjs: the package loads with no init call", () => {
  assert.equal(typeof api.validate, "function");
  assert.equal(typeof api.validateWithJson, "function");
  assert.equal(typeof api.init, "function");
  assert.equal(api.default, api.init);
});

test("cjs: every fixture file", async (t) => {
  const { loadFixtures, runFile } = await import("./fixtures.mjs");
  for (const { file, cases } of loadFixtures()) {
    await t.test(`cjs: ${file} (${cases.length} cases)`, () => {
      const failures = runFile(api, cases);
      assert.equal(failures.length, 0, `${failures.length} failures:\n${failures.join("\n")}`);
    });
  }
});
