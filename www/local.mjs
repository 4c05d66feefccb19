// Runs the worker locally in workerd through Miniflare, from the same bundle `wrangler deploy`
// uploads. Shared by the `make run` launcher (dev.mjs) and the worker tests.

import { execFile } from "node:child_process";
import { mkdir, rm } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

export const WWW_DIR = dirname(fileURLToPath(import.meta.url));
export const ROOT_DIR = dirname(WWW_DIR);
export const CONFIG_PATH = join(WWW_DIR, "wrangler.toml");
const WRANGLER = join(ROOT_DIR, "node_modules", ".bin", "wrangler");

/** Environment for wrangler: no telemetry, no banner (whose update check would go online). */
export const WRANGLER_ENV = {
  ...process.env,
  WRANGLER_SEND_METRICS: "false",
  WRANGLER_HIDE_BANNER: "true",
  CI: "true",
  NO_COLOR: "1",
};

/**
 * Bundles the worker exactly as `wrangler deploy` would, without uploading anything.
 * @param {string} outdir emptied, then filled with the bundle (worker.js and the .wasm)
 * @returns {Promise<{ outdir: string, log: string }>}
 */
export async function bundle(outdir) {
  await rm(outdir, { recursive: true, force: true });
  await mkdir(outdir, { recursive: true });
  const { stdout, stderr } = await promisify(execFile)(
    WRANGLER,
    ["deploy", "--dry-run", "--outdir", outdir, "--config", CONFIG_PATH],
    { cwd: WWW_DIR, env: WRANGLER_ENV, maxBuffer: 16 * 1024 * 1024 },
  );
  return { outdir, log: stdout + stderr };
}

/**
 * Miniflare options for the bundled worker, derived from wrangler.toml (bindings, vars, assets,
 * rate limiter, compatibility date), with local persistence.
 *
 * @param {object} settings
 * @param {string} settings.bundleDir the output of `bundle`
 * @param {string} settings.persistDir KV is stored under `<persistDir>/kv`
 * @param {Record<string, string>} [settings.vars] overrides of wrangler.toml's [vars]
 * @param {{ limit: number, period: 10 | 60 }} [settings.rateLimit] overrides the rate limiter
 * @param {string} [settings.host]
 * @param {number} [settings.port]
 * @returns {Promise<object>} options for `new Miniflare(...)`
 */
export async function miniflareOptions({ bundleDir, persistDir, vars = {}, rateLimit, host, port }) {
  const { unstable_getMiniflareWorkerOptions } = await import("wrangler");
  const { workerOptions } = unstable_getMiniflareWorkerOptions(CONFIG_PATH);
  const ratelimits = Object.fromEntries(
    Object.entries(workerOptions.ratelimits ?? {}).map(([name, config]) => [
      name,
      { simple: rateLimit ?? config.simple },
    ]),
  );
  return {
    name: "pushers",
    modules: true,
    modulesRoot: bundleDir,
    scriptPath: join(bundleDir, "worker.js"),
    modulesRules: workerOptions.modulesRules,
    compatibilityDate: workerOptions.compatibilityDate,
    compatibilityFlags: workerOptions.compatibilityFlags,
    bindings: { ...workerOptions.bindings, ...vars },
    kvNamespaces: workerOptions.kvNamespaces,
    ratelimits,
    assets: workerOptions.assets,
    kvPersist: join(persistDir, "kv"),
    // No request.cf lookup: Miniflare would fetch it from the network.
    cf: false,
    host,
    port,
  };
}
