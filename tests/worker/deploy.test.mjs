// The deploy bundle, built offline by `wrangler deploy --dry-run` (the same bundle the other
// worker tests run): the validator's .wasm as a module of its own, the bindings of wrangler.toml,
// the playground as assets, and nothing of the test-only KV wrapper.

import assert from "node:assert/strict";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { test } from "node:test";
import { workerBundle } from "../lib/service.mjs";

test("wrangler deploy --dry-run bundles the worker with its .wasm, bindings and assets", async () => {
  const { outdir, log } = await workerBundle();
  const files = await readdir(outdir);
  assert.ok(files.includes("worker.js"), files.join(" "));
  const wasm = files.filter((name) => name.endsWith(".wasm"));
  assert.equal(wasm.length, 1, files.join(" "));

  const script = await readFile(join(outdir, "worker.js"), "utf8");
  assert.ok(script.includes(`from "./${wasm[0]}"`), "the worker imports the .wasm module");
  const bytes = await readFile(join(outdir, wasm[0]));
  assert.deepEqual([...bytes.subarray(0, 4)], [0x00, 0x61, 0x73, 0x6d]);

  assert.match(log, /env\.PUSHERS\b.*KV Namespace/);
  assert.match(log, /env\.RATE_LIMITER\b.*Rate Limit/);
  assert.match(log, /env\.MAX_PUSHERS_PER_USER\b/);
  assert.match(log, /Read \d+ files from the assets directory .*www[/\\]page/);
  const upload = /Total Upload: ([\d.]+) KiB/.exec(log);
  assert.ok(upload && Number(upload[1]) < 1024, `upload size: ${upload?.[1]} KiB`);
});

test("the deploy bundle holds no test switch and no Node import", async () => {
  const { outdir } = await workerBundle();
  const script = await readFile(join(outdir, "worker.js"), "utf8");
  for (const forbidden of ["WrappedKV", "injected KV", "kv-wrapper", 'from "node:']) {
    assert.ok(!script.includes(forbidden), forbidden);
  }
});
