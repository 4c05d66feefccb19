// Assembles the npm package in pkg/ from the wasm-pack output (the `--target web` glue and the
// optimized .wasm) and the hand-written files of npm/, and the browser build in www/page/pkg/.
// Run by `make build`: node npm/assemble.mjs <wasm-pack out dir>

import { build } from "esbuild";
import { copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const [wasmPackOut] = process.argv.slice(2);
if (!wasmPackOut) throw new Error("usage: node npm/assemble.mjs <wasm-pack out dir>");

const NAME = "matrix_pusher_validator";
// Both are assembled beside the build output and swapped in with renames, so that a test or a
// server reading them while a build runs never sees a half-written package.
const STAGE = join(wasmPackOut, "..");
const PKG = join(STAGE, "pkg");
const PAGE = join(STAGE, "page-pkg");

/** Replaces `target` (a directory) by `staged`. */
function swapIn(staged, target) {
  const old = `${staged}.old`;
  rmSync(old, { recursive: true, force: true });
  if (existsSync(target)) renameSync(target, old);
  renameSync(staged, target);
  rmSync(old, { recursive: true, force: true });
}

const version = /^version\s*=\s*"([^"]+)"/m.exec(readFileSync("Cargo.toml", "utf8"))?.[1];
if (!version) throw new Error("no version in Cargo.toml");

rmSync(PKG, { recursive: true, force: true });
mkdirSync(PKG, { recursive: true });

for (const file of [`${NAME}.js`, `${NAME}.d.ts`, `${NAME}_bg.wasm`]) copyFileSync(join(wasmPackOut, file), join(PKG, file));
for (const file of ["index.js", "index.d.ts", "api.js", "node.mjs", "workerd.js", "cli.js", "README.md"]) {
  copyFileSync(join("npm", file), join(PKG, file));
}

const manifest = JSON.parse(readFileSync("npm/package.json", "utf8"));
manifest.version = version;
writeFileSync(join(PKG, "package.json"), `${JSON.stringify(manifest, null, 2)}\n`);

// CommonJS for `require`: the Node entry and everything it imports, in one file. The one use of
// `import.meta.url` (finding the .wasm) becomes this file's own URL.
await build({
  entryPoints: [join(PKG, "node.mjs")],
  outfile: join(PKG, "node.cjs"),
  bundle: true,
  format: "cjs",
  platform: "node",
  target: "node20",
  define: { "import.meta.url": "__moduleUrl" },
  banner: { js: 'const __moduleUrl = require("node:url").pathToFileURL(__filename).href;' },
  logLevel: "warning",
});

// The playground and the worker's static files load exactly this: index.js (default export
// init, named validate and validateWithJson) and the .wasm beside it.
rmSync(PAGE, { recursive: true, force: true });
mkdirSync(PAGE, { recursive: true });
for (const file of ["index.js", "index.d.ts", "api.js", `${NAME}.js`, `${NAME}_bg.wasm`]) {
  copyFileSync(join(PKG, file), join(PAGE, file));
}

swapIn(PKG, "pkg");
mkdirSync("www/page", { recursive: true });
swapIn(PAGE, "www/page/pkg");
