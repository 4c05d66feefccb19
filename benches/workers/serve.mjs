// Serves, for the service benchmark, either the real worker or the KV ceiling in workerd through
// Miniflare, with the options `make run` uses (www/local.mjs: the `wrangler deploy` bundle,
// wrangler.toml's bindings and compatibility date, KV persisted on disk, INFO request log).
//
//   node benches/workers/serve.mjs worker|ceiling PORT DATA_DIR [TOKENS_FILE]
//   node benches/workers/serve.mjs gateway PORT DATA_DIR UPSTREAM_URL
//
// worker   the service, as `make run` starts it; with one difference, the same one Synapse gets:
//          the per-user rate limiter is still called on every request but set so high it never
//          trips. TOKENS_FILE holds one "@user:server=token" per line, stored as `make run`
//          stores DEV_TOKENS (a file, because thousands of tokens do not fit in one variable).
// ceiling  benches/workers/kv-ceiling.js with the same engine settings and persisted KV.
// gateway  the service in gateway mode in front of UPSTREAM_URL, as `UPSTREAM_URL=... make run`
//          starts it (the same rate limiter setting as `worker`).
import { copyFile, mkdir, readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { Log, LogLevel, Miniflare } from "miniflare";
import { bundle, miniflareOptions } from "../../www/local.mjs";
import { tokenKey } from "../../www/store.js";

const [mode, port, dataDirArg, extra] = process.argv.slice(2);
const tokensFile = mode === "worker" ? extra : undefined;
const dataDir = resolve(dataDirArg);
await mkdir(dataDir, { recursive: true });

// The worker as `wrangler deploy` bundles it; the ceiling alone in a directory of its own.
const outdir = join(dataDir, "bundle");
if (mode === "worker" || mode === "gateway") await bundle(outdir);
else await mkdir(outdir, { recursive: true });
const options = await miniflareOptions({
  bundleDir: outdir,
  persistDir: dataDir,
  vars: mode === "gateway" ? { UPSTREAM_URL: extra } : {},
  rateLimit: { limit: 1_000_000_000, period: 60 },
  host: "127.0.0.1",
  port: Number(port),
});
if (mode === "ceiling") {
  const script = join(outdir, "kv-ceiling.js");
  await copyFile(fileURLToPath(new URL("./kv-ceiling.js", import.meta.url)), script);
  options.scriptPath = script;
  delete options.assets;
  delete options.ratelimits;
} else if (mode !== "worker" && mode !== "gateway") {
  throw new Error(`serve: unknown mode ${mode}`);
}

const mf = new Miniflare({ ...options, log: new Log(LogLevel.INFO) });
const url = await mf.ready;
if (tokensFile) {
  const kv = await mf.getKVNamespace("PUSHERS");
  const lines = (await readFile(tokensFile, "utf8")).split("\n").filter(Boolean);
  for (let i = 0; i < lines.length; i += 64) {
    await Promise.all(
      lines.slice(i, i + 64).map(async (line) => {
        const at = line.lastIndexOf("=");
        await kv.put(await tokenKey(line.slice(at + 1)), line.slice(0, at));
      }),
    );
  }
  console.log(`seeded ${lines.length} tokens`);
}
console.log(`BENCH_READY ${url.href}`);

const stop = async () => {
  await mf.dispose();
  process.exit(0);
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
