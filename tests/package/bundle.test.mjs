// The package as bundlers see it: esbuild bundles small consumers through the exports map
// (browser, neutral/default and workerd conditions), and each bundle runs: the browser ones in
// Node with `fetch` of file: URLs standing in for the web server, the workerd one in workerd
// through Miniflare. Every fixture case goes through each, with every input form.

import assert from "node:assert/strict";
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, before, test } from "node:test";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build } from "esbuild";
import { Log, LogLevel, Miniflare } from "miniflare";
import { loadFixtures, runFile } from "./fixtures.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const wasmPath = require.resolve("matrix-pusher-validator/wasm");
const files = loadFixtures();
const dir = mkdtempSync(join(tmpdir(), "mpv-bundle-"));

// Browsers fetch the .wasm over HTTP; here a file: URL is read from disk instead.
const realFetch = globalThis.fetch;
before(() => {
  globalThis.fetch = async (resource, init) => {
    const url = resource instanceof Request ? resource.url : String(resource);
    if (!url.startsWith("file:")) return realFetch(resource, init);
    return new Response(readFileSync(new URL(url)), { headers: { "content-type": "application/wasm" } });
  };
});
after(() => {
  globalThis.fetch = realFetch;
  rmSync(dir, { recursive: true, force: true });
});

async function bundle(entry, name, settings) {
  const outfile = join(dir, name, "bundle.mjs");
  const result = await build({
    entryPoints: [join(here, "consumer", entry)],
    outfile,
    bundle: true,
    format: "esm",
    logLevel: "silent",
    metafile: true,
    ...settings,
  });
  const inputs = Object.keys(result.metafile.inputs);
  return { outfile, outdir: dirname(outfile), inputs };
}

function runCorpus(api) {
  const failures = [];
  for (const { cases } of files) failures.push(...runFile(api, cases));
  assert.equal(failures.length, 0, `${failures.length} failures:\n${failures.join("\n")}`);
}

test("browser bundle (platform browser): init with the /wasm URL, then every fixture", async () => {
  const { outfile, inputs } = await bundle("browser.mjs", "browser", {
    platform: "browser",
    loader: { ".wasm": "file" },
  });
  assert.ok(
    inputs.some((path) => path.endsWith("index.js")),
    `the browser entry is used: ${inputs}`,
  );
  assert.ok(!inputs.some((path) => /node\.(mjs|cjs)$|workerd\.js$/.test(path)), `no other entry: ${inputs}`);
  const api = await import(pathToFileURL(outfile).href);
  runCorpus(api);
});

test("neutral bundle (default condition): validate before init throws, init() finds the .wasm beside it", async () => {
  const { outfile, outdir, inputs } = await bundle("neutral.mjs", "neutral", { platform: "neutral" });
  assert.ok(
    inputs.some((path) => path.endsWith("index.js")),
    `the default entry is used: ${inputs}`,
  );
  copyFileSync(wasmPath, join(outdir, "matrix_pusher_validator_bg.wasm"));
  const api = await import(pathToFileURL(outfile).href);
  assert.ok(api.beforeInit instanceof Error, "validate before init() throws");
  assert.match(api.beforeInit.message, /init\(\)/);
  runCorpus(api);
});

test("workerd bundle (workerd condition): ready at import in workerd, every fixture", async (t) => {
  const { outfile, outdir, inputs } = await bundle("worker.mjs", "workerd", {
    platform: "neutral",
    conditions: ["workerd", "worker", "browser"],
    external: ["*.wasm"],
  });
  assert.ok(
    inputs.some((path) => path.endsWith("workerd.js")),
    `the workerd entry is used: ${inputs}`,
  );
  copyFileSync(wasmPath, join(outdir, "matrix_pusher_validator_bg.wasm"));
  const mf = new Miniflare({
    modules: true,
    scriptPath: outfile,
    modulesRoot: outdir,
    modulesRules: [{ type: "CompiledWasm", include: ["**/*.wasm"] }],
    compatibilityDate: "2025-01-01",
    cf: false, // no request.cf lookup over the network
    log: new Log(LogLevel.WARN),
  });
  t.after(() => mf.dispose());
  await mf.ready;
  const failures = [];
  for (const { file } of files) {
    // The file's own text: cases reach the worker exactly as the other runners read them.
    const response = await mf.dispatchFetch("http://worker/", {
      method: "POST",
      body: readFileSync(new URL(`../fixtures/${file}`, import.meta.url)),
    });
    assert.equal(response.status, 200, `${file}: ${await response.clone().text()}`);
    const answer = await response.json();
    failures.push(...answer.failures.map((line) => `${file}: ${line}`));
  }
  assert.equal(failures.length, 0, `${failures.length} failures:\n${failures.join("\n")}`);
});
