// What the package weighs, as one definition for the size budget of `make test`
// (tests/package/measure.mjs --check-size) and the size figure of `make bench` (size.mjs): the
// .wasm plus its JavaScript glue (the package's Workers entry, workerd.js, with everything it
// imports, bundled and minified by esbuild, as a worker or a bundler ships it), each compressed
// on its own as they are served, with gzip -9 and brotli (quality 11).
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";
import { build } from "esbuild";

/** The size budget: 36 KiB of gzip for the .wasm and its glue together. */
export const BUDGET_GZIP_BYTES = 36 * 1024;

/** Raw, gzip -9 and brotli 11 sizes of some bytes. */
export function sizes(bytes) {
  return {
    raw: bytes.length,
    gzip: gzipSync(bytes, { level: 9 }).length,
    brotli: brotliCompressSync(bytes, {
      params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length },
    }).length,
  };
}

/**
 * A module bundled and minified by esbuild (ESM, neutral platform), as its bytes.
 * @param {string} entry
 * @param {string} outfile
 * @param {string[]} [external]
 */
export async function minified(entry, outfile, external = []) {
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

/**
 * The sizes of the built package in `pkg`: `{ wasm_file, wasm, glue, total }`.
 * @param {string} pkg the package folder
 * @param {string} [outfile] where to keep the minified glue (a temporary file by default)
 */
export async function packageSize(pkg, outfile) {
  const wasmFile = readdirSync(pkg).find((file) => file.endsWith(".wasm"));
  if (wasmFile === undefined) throw new Error(`no .wasm in ${pkg}`);
  const scratch = outfile === undefined ? mkdtempSync(join(tmpdir(), "mpv-size-")) : null;
  try {
    const glue = await minified(join(pkg, "workerd.js"), outfile ?? join(scratch, "glue.min.mjs"), ["*.wasm"]);
    const wasm = sizes(readFileSync(join(pkg, wasmFile)));
    const js = sizes(glue);
    return {
      wasm_file: wasmFile,
      wasm,
      glue: js,
      total: { raw: wasm.raw + js.raw, gzip: wasm.gzip + js.gzip, brotli: wasm.brotli + js.brotli },
    };
  } finally {
    if (scratch !== null) rmSync(scratch, { recursive: true, force: true });
  }
}
