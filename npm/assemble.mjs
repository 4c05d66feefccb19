// Assembles the npm package in pkg/ and the browser build in www/page/pkg/ from the wasm-pack
// output (the `--target web` glue and the optimized .wasm) and the hand-written files of npm/.
// Run by `make build`: node npm/assemble.mjs <wasm-pack out dir>
//
// Each entry (index.js, node.mjs, node.cjs, workerd.js, cli.js) is bundled with the shared
// api.js and the glue into one file: a host loads one module besides the .wasm (each module is
// a request in a browser and a file to read, resolve and parse in Node), and nothing else of the
// package is reachable. The code stays readable (not minified).

import { copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { build } from "esbuild";

const [wasmPackOut] = process.argv.slice(2);
if (!wasmPackOut) throw new Error("usage: node npm/assemble.mjs <wasm-pack out dir>");

const NAME = "matrix_pusher_validator";
const WASM = `${NAME}_bg.wasm`;
// Everything is assembled beside the build output and swapped in with renames, so that a test
// or a server reading pkg/ while a build runs never sees a half-written package.
const STAGE = join(wasmPackOut, "..");
const SRC = join(STAGE, "src");
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

function fresh(dir) {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
}

const version = /^version\s*=\s*"([^"]+)"/m.exec(readFileSync("Cargo.toml", "utf8"))?.[1];
if (!version) throw new Error("no version in Cargo.toml");

// The sources side by side, as the entries import them.
fresh(SRC);
copyFileSync(join(wasmPackOut, `${NAME}.js`), join(SRC, `${NAME}.js`));
for (const file of ["index.js", "api.js", "node.mjs", "workerd.js", "cli.js"])
  copyFileSync(join("npm", file), join(SRC, file));

fresh(PKG);
copyFileSync(join(wasmPackOut, WASM), join(PKG, WASM));
for (const file of ["index.d.ts", "README.md"]) copyFileSync(join("npm", file), join(PKG, file));
const manifest = JSON.parse(readFileSync("npm/package.json", "utf8"));
manifest.version = version;
writeFileSync(join(PKG, "package.json"), `${JSON.stringify(manifest, null, 2)}\n`);

/** @type {import("esbuild").BuildOptions} */
const common = { bundle: true, logLevel: "warning", legalComments: "none" };
// The .wasm stays a file beside the bundle: found through `import.meta.url`, or imported as a
// module where the host compiles .wasm imports (workerd).
const wasmStaysOutside = {
  name: "wasm-stays-outside",
  setup: (b) => b.onResolve({ filter: /\.wasm$/ }, (args) => ({ path: args.path, external: true })),
};

await Promise.all([
  // Browsers and the `default` condition.
  // Minified: browsers load this file as it is, next to the .wasm.
  build({
    ...common,
    entryPoints: [join(SRC, "index.js")],
    outfile: join(PKG, "index.js"),
    format: "esm",
    platform: "neutral",
    target: "es2022",
    minify: true,
  }),
  // Workers: `import wasm from "./…_bg.wasm"` is left for the host to compile.
  build({
    ...common,
    entryPoints: [join(SRC, "workerd.js")],
    outfile: join(PKG, "workerd.js"),
    format: "esm",
    platform: "neutral",
    target: "es2022",
    plugins: [wasmStaysOutside],
  }),
  // Node, as an ES module and the command line.
  build({
    ...common,
    entryPoints: [join(SRC, "node.mjs")],
    outfile: join(PKG, "node.mjs"),
    format: "esm",
    platform: "node",
    target: "node20",
  }),
  build({
    ...common,
    entryPoints: [join(SRC, "cli.js")],
    outfile: join(PKG, "cli.js"),
    format: "esm",
    platform: "node",
    target: "node20",
  }),
  // Node through `require`: the one use of `import.meta.url` (finding the .wasm) becomes this
  // file's own URL.
  build({
    ...common,
    entryPoints: [join(SRC, "node.mjs")],
    outfile: join(PKG, "node.cjs"),
    format: "cjs",
    platform: "node",
    target: "node20",
    define: { "import.meta.url": "__moduleUrl" },
    banner: { js: 'const __moduleUrl = require("node:url").pathToFileURL(__filename).href;' },
  }),
]);

// The playground and the worker's static files load exactly this: index.js (default export
// init, named validate and validateWithJson) and the .wasm beside it.
fresh(PAGE);
for (const file of ["index.js", "index.d.ts", WASM]) copyFileSync(join(PKG, file), join(PAGE, file));

swapIn(PKG, "pkg");
mkdirSync("www/page", { recursive: true });
swapIn(PAGE, "www/page/pkg");
