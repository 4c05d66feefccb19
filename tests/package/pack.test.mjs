// The package as published: `npm pack` of pkg/, installed into a scratch project (no network:
// the package has no dependencies), then imported by name with import and require and run
// through its bin link. Also checks that every file the manifest or the code refers to ships.

import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, test } from "node:test";
import { pusher } from "../lib/pusher.mjs";

const require = createRequire(import.meta.url);
const pkg = dirname(require.resolve("matrix-pusher-validator/package.json"));
const manifest = JSON.parse(readFileSync(join(pkg, "package.json"), "utf8"));
const npm = process.platform === "win32" ? "npm.cmd" : "npm";
const scratch = mkdtempSync(join(tmpdir(), "mpv-pack-"));
after(() => rmSync(scratch, { recursive: true, force: true }));

const BODY = JSON.stringify(pusher());

function targets(value) {
  if (typeof value === "string") return [value];
  return Object.values(value ?? {}).flatMap(targets);
}

test("every file named by the manifest or imported by the code is in the tarball", () => {
  const [packed] = JSON.parse(
    execFileSync(npm, ["pack", "--dry-run", "--json"], {
      cwd: pkg,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
    }),
  );
  const shipped = new Set(packed.files.map((f) => f.path));
  const named = [
    ...targets(manifest.exports),
    manifest.main,
    manifest.module,
    manifest.types,
    ...targets(manifest.bin),
  ];
  for (const path of named)
    assert.ok(shipped.has(path.replace(/^\.\//, "")), `${path} is named in package.json but not packed`);
  for (const file of shipped) {
    if (!/\.(m?js|cjs)$/.test(file)) continue;
    const code = readFileSync(join(pkg, file), "utf8");
    for (const [, ref] of code.matchAll(
      /(?:from\s+|import\s*\(\s*|import\s+|new URL\(\s*|require\(\s*)["'](\.{1,2}\/[^"']+|[\w.-]+\.wasm)["']/g,
    )) {
      assert.ok(shipped.has(ref.replace(/^\.\//, "")), `${file} refers to ${ref}, which is not packed`);
    }
  }
  assert.ok(!shipped.has(".built"), "the build stamp is not packed");
});

test("the packed tarball installs offline and works by name: import, require, bin", () => {
  const tarball = execFileSync(npm, ["pack", "--pack-destination", scratch], {
    cwd: pkg,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "ignore"],
  })
    .trim()
    .split("\n")
    .pop();
  writeFileSync(join(scratch, "package.json"), JSON.stringify({ name: "scratch", private: true }));
  execFileSync(npm, ["install", "--offline", "--no-audit", "--no-fund", join(scratch, tarball)], {
    cwd: scratch,
    stdio: "ignore",
  });

  const esm = spawnSync(
    process.execPath,
    [
      "--input-type=module",
      "-e",
      `import { validate } from "matrix-pusher-validator"; console.log(validate(${JSON.stringify(BODY)}).ok)`,
    ],
    { cwd: scratch, encoding: "utf8" },
  );
  assert.equal(esm.stdout.trim(), "true", esm.stderr);
  const cjs = spawnSync(
    process.execPath,
    ["-e", `console.log(require("matrix-pusher-validator").validate(${JSON.stringify(BODY)}).ok)`],
    { cwd: scratch, encoding: "utf8" },
  );
  assert.equal(cjs.stdout.trim(), "true", cjs.stderr);
  const bin = spawnSync(join(scratch, "node_modules", ".bin", "matrix-pusher-validator"), [], {
    cwd: scratch,
    input: BODY,
    encoding: "utf8",
  });
  assert.equal(bin.status, 0, bin.stderr);
  assert.equal(JSON.parse(bin.stdout).ok, true);
});
