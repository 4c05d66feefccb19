// Size: what each contender ships for the job. Ours: the .wasm plus its JavaScript glue (the
// package's Workers entry bundled and minified by esbuild), each compressed on its own as they are
// served. Peers: their entry (peers/*.mjs: JSON.parse plus the schema plus the library) bundled
// with esbuild --bundle --minify. Sizes after gzip -9 and brotli (quality 11).
//   node benches/size.mjs OUT.json
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";
import { build } from "esbuild";
import { PKG } from "./lib/ours.mjs";

const here = fileURLToPath(new URL(".", import.meta.url));
export const BUNDLES = join(here, "work", "bundles");

const sizes = (bytes) => ({
  raw: bytes.length,
  gzip: gzipSync(bytes, { level: 9 }).length,
  brotli: brotliCompressSync(bytes, {
    params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length },
  }).length,
});

async function bundle(entry, outfile, external = []) {
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    minify: true,
    format: "esm",
    platform: "neutral",
    mainFields: ["module", "main"],
    target: "es2022",
    external,
    loader: { ".wasm": "file" },
    logLevel: "error",
  });
  return readFileSync(outfile);
}

mkdirSync(BUNDLES, { recursive: true });
const result = { contenders: {} };

// Ours: the glue is the package's Workers entry (workerd.js: what the worker ships) with
// everything it imports, minified; the .wasm it imports stays a file of its own.
const wasmFiles = readdirSync(PKG, { recursive: true }).map(String).filter((f) => f.endsWith(".wasm"));
const wasm = readFileSync(join(PKG, wasmFiles[0]));
const glue = await bundle(join(PKG, "workerd.js"), join(BUNDLES, "ours.min.mjs"), ["*.wasm"]);
const w = sizes(wasm);
const g = sizes(glue);
result.contenders.ours = {
  wasm_file: wasmFiles[0],
  wasm: w,
  glue: g,
  total: { raw: w.raw + g.raw, gzip: w.gzip + g.gzip, brotli: w.brotli + g.brotli },
};
result.wasm_glue_gzip_bytes = w.gzip + g.gzip;
result.wasm_glue_brotli_bytes = w.brotli + g.brotli;

for (const peer of ["ajv", "zod", "valibot"]) {
  const bytes = await bundle(join(here, "peers", `${peer}.mjs`), join(BUNDLES, `${peer}.min.mjs`));
  result.contenders[peer] = { total: sizes(bytes) };
}

if (process.argv[2]) writeFileSync(process.argv[2], JSON.stringify(result, null, 2));
for (const [name, c] of Object.entries(result.contenders)) {
  console.log(`size: ${name.padEnd(8)} gzip ${c.total.gzip} B, brotli ${c.total.brotli} B`);
}
