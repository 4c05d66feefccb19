// The package's public surface is reviewed: its .d.ts files are kept as golden files here, and
// a change fails until the golden files are updated on purpose:
//
//   UPDATE_GOLDEN=1 node --test tests/package/types.test.mjs
//
// Then a small consumer is type-checked against the built package with `tsc --noEmit`.

import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const pkg = dirname(require.resolve("matrix-pusher-validator/package.json"));

// index.d.ts is what users' editors read; matrix_pusher_validator.d.ts is the boundary the
// wasm-bindgen glue exposes to the entry files (it changes when src/wasm.rs changes; the glue is
// bundled into each entry, so it is read from the wasm-pack output).
const glueDir = fileURLToPath(new URL("../../target/npm/web/", import.meta.url));
for (const [file, dir] of [
  ["index.d.ts", pkg],
  ["matrix_pusher_validator.d.ts", glueDir],
]) {
  test(`${file} matches its golden file`, () => {
    const built = join(dir, file);
    const golden = join(here, "golden", file);
    if (process.env.UPDATE_GOLDEN === "1") {
      writeFileSync(golden, readFileSync(built));
      return;
    }
    const diff = spawnSync("diff", ["-u", golden, built], { encoding: "utf8" });
    assert.equal(
      diff.status,
      0,
      `${file} of the built package differs from tests/package/golden/${file}:\n${diff.stdout}${diff.stderr}\n` +
        "If the change is intended, update the golden file: UPDATE_GOLDEN=1 node --test tests/package/types.test.mjs",
    );
  });
}

test("a TypeScript consumer type-checks against the package (tsc --noEmit)", () => {
  const tsc = require.resolve("typescript/bin/tsc");
  const run = spawnSync(process.execPath, [tsc, "-p", join(here, "consumer", "tsconfig.json")], { encoding: "utf8" });
  assert.equal(run.status, 0, `tsc failed:\n${run.stdout}${run.stderr}`);
});
