// The package's optimized code survives full collections. V8's optimized code refers weakly to
// the object layouts it was made for; a layout that no live object has at a full collection is
// dropped, and the code that refers to it is thrown away and compiled again at the next calls
// (in a server, after every full collection between two requests). The package's answers are
// built so that their layouts stay alive. Checked here in a child process that runs the fixture
// corpus through `validate` and `check` until their code is optimized, then alternates full
// collections with more passes, under V8's `--trace-deopt`.

import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

const PROBE = `
import { check, validate } from "matrix-pusher-validator";
import { caseBytes, fixtureCases } from ${JSON.stringify(fileURLToPath(new URL("../lib/fixtures.mjs", import.meta.url)))};
const decoder = new TextDecoder();
const inputs = fixtureCases()
  .filter((c) => typeof c.expect?.ok === "boolean" && !("raw_repeat" in c))
  .map((c) => ({ bytes: caseBytes(c), options: c.options }))
  .filter((input) => input.bytes.length <= 8192);
for (const input of inputs) input.text = decoder.decode(input.bytes);
let accepted = 0;
function pass() {
  for (const input of inputs) {
    if (validate(input.bytes, input.options).ok) accepted++;
    if (validate(input.text, input.options).ok) accepted++;
    if (check(input.bytes, input.options).ok) accepted++;
  }
}
for (let k = 0; k < 40; k++) pass();
for (let k = 0; k < 12; k++) {
  globalThis.gc();
  // Nothing of the package's answers is alive here: a pass of another kind of work.
  JSON.parse(JSON.stringify(inputs.map((input) => input.text.length)));
  globalThis.gc();
  pass();
}
console.log("--- done", accepted);
`;

test("full collections do not throw away the optimized code of validate and check", () => {
  const run = spawnSync(
    process.execPath,
    ["--expose-gc", "--trace-opt", "--trace-deopt", "--input-type=module", "--eval", PROBE],
    { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 },
  );
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stdout, /--- done [1-9]/, "the probe accepted nothing");
  // The code was optimized (otherwise nothing could be thrown away).
  assert.match(run.stdout, /completed optimizing .*<JSFunction outcomeOfPieces /, "is --trace-opt still V8's?");
  // V8 writes its trace through a buffer and the probe's lines go straight out: the two do not
  // interleave in order, so code thrown away is told apart by whose it is, not by when. The
  // probe's own functions are `pass` and anonymous ones.
  const dropped = run.stdout
    .split("\n")
    .filter((line) => /for deoptimization, reason: weak objects/.test(line))
    .filter((line) => !/<SharedFunctionInfo( pass)?>/.test(line));
  assert.deepEqual(dropped, [], "optimized code thrown away at a full collection");
  // Nor is optimized code lost without a trace: a closure made at every call gets its code from
  // a cache that full collections empty, and is compiled again after each of the 24.
  const optimized = new Map();
  for (const [, name] of run.stdout.matchAll(/\[completed optimizing 0x[0-9a-f]+ <JSFunction (\S+) /g))
    optimized.set(name, (optimized.get(name) ?? 0) + 1);
  const again = [...optimized].filter(([name, times]) => name !== "pass" && times > 6);
  assert.deepEqual(again, [], "functions optimized again and again");
});
