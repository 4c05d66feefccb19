// Starts the bundled worker in workerd through Miniflare for the tests, with real KV persisted to
// a temporary directory, behind the counting and failing wrapper of kv-fault.js.

import { randomBytes } from "node:crypto";
import { rmSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Log, LogLevel, Miniflare } from "miniflare";
import { bundle, miniflareOptions } from "../../www/local.mjs";
import { tokenKey } from "../../www/store.js";

const HERE = dirname(fileURLToPath(import.meta.url));

/** A temporary directory, removed by `cleanup`. */
export async function tempDir(name) {
  return mkdtemp(join(tmpdir(), `mpv-${name}-`));
}

let bundled;
/** The deploy bundle (`wrangler deploy --dry-run`), built once per test file. */
export function workerBundle() {
  bundled ??= tempDir("bundle").then((dir) => {
    process.on("exit", () => rmSync(dir, { recursive: true, force: true }));
    return bundle(join(dir, "out"));
  });
  return bundled;
}

/**
 * Starts the service.
 * @param {object} [settings]
 * @param {string} [settings.persistDir] reuse a store (restart tests); a new one by default
 * @param {Record<string, string>} [settings.vars] overrides of wrangler.toml's [vars]
 * @param {{ limit: number, period: 10 | 60 }} [settings.rateLimit] default: effectively none
 * @param {boolean} [settings.faulty] put kv-fault.js in front of KV (default true)
 */
export async function startService({ persistDir, vars = {}, rateLimit, faulty = true } = {}) {
  const { outdir } = await workerBundle();
  const ownDir = persistDir === undefined;
  const dir = persistDir ?? (await tempDir("kv"));
  const options = await miniflareOptions({
    bundleDir: outdir,
    persistDir: dir,
    vars,
    rateLimit: rateLimit ?? { limit: 1_000_000, period: 60 },
    host: "127.0.0.1",
    port: 0,
  });
  const { host, port, kvPersist, cf, ...service } = options;
  const namespaceId = service.kvNamespaces.PUSHERS.id ?? service.kvNamespaces.PUSHERS;
  const workers = [service];
  if (faulty) {
    service.kvNamespaces = {};
    service.serviceBindings = { PUSHERS: { name: "kv-fault", entrypoint: "FaultyKV" } };
    workers.push({
      name: "kv-fault",
      modules: true,
      scriptPath: join(HERE, "kv-fault.js"),
      compatibilityDate: service.compatibilityDate,
      kvNamespaces: { KV: namespaceId },
    });
  }
  const mf = new Miniflare({ host, port, kvPersist, cf, log: new Log(LogLevel.WARN), workers });
  const url = (await mf.ready).href.replace(/\/$/, "");
  const kv = await mf.getKVNamespace(faulty ? "KV" : "PUSHERS", faulty ? "kv-fault" : "pushers");
  const faultWorker = faulty ? await mf.getWorker("kv-fault") : null;

  const control = async (method, path, body) => {
    if (!faultWorker) throw new Error("started without the KV wrapper");
    const response = await faultWorker.fetch(`http://kv-fault${path}`, {
      method,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return response.json();
  };

  return {
    mf,
    url,
    dir,
    kv,
    /** Stores a new token for `user` (only its hash) and returns it. */
    async mint(user) {
      const token = `test_${randomBytes(18).toString("base64url")}`;
      await kv.put(await tokenKey(token), user);
      return token;
    },
    /** `fetch` against the service. */
    fetch(path, init) {
      return fetch(`${url}${path}`, init);
    },
    /** KV wrapper: clear counts and failures. */
    resetKv: () => control("POST", "/reset"),
    /** KV wrapper: operations counted since the last reset. */
    kvCounts: () => control("GET", "/counts"),
    /** KV wrapper: let `after` of these operations through, then fail the rest. */
    failKv: (ops, after = 0) => control("POST", "/fail", { ops, after }),
    async dispose() {
      await mf.dispose();
      if (ownDir) await rm(dir, { recursive: true, force: true });
    },
  };
}

/** A client for one user of a started service. */
export function client(service, token) {
  const headers = (extra = {}) => (token ? { Authorization: `Bearer ${token}`, ...extra } : extra);
  return {
    async set(body, path = "/_matrix/client/v3/pushers/set") {
      const response = await service.fetch(path, {
        method: "POST",
        headers: headers({ "Content-Type": "application/json" }),
        body: typeof body === "string" || body instanceof Uint8Array ? body : JSON.stringify(body),
      });
      return { status: response.status, body: await response.json() };
    },
    async list(path = "/_matrix/client/v3/pushers") {
      const response = await service.fetch(path, { headers: headers() });
      return { status: response.status, body: await response.json() };
    },
    async remove(appId, pushkey) {
      return this.set({ kind: null, app_id: appId, pushkey });
    },
  };
}

/** A valid http pusher; `overrides` replaces members. */
export function pusher(overrides = {}) {
  return {
    kind: "http",
    app_id: "im.vector.app.android",
    pushkey: "pk-1",
    app_display_name: "Element",
    device_display_name: "Pixel 8",
    lang: "en",
    data: { url: "https://push.example.org/_matrix/push/v1/notify", format: "event_id_only" },
    ...overrides,
  };
}

/** Every key of the store, grouped: tokens, records, index entries. */
export async function storeKeys(kv) {
  const keys = [];
  let cursor;
  do {
    const page = await kv.list(cursor ? { cursor } : {});
    keys.push(...page.keys.map((key) => key.name));
    cursor = page.list_complete ? undefined : page.cursor;
  } while (cursor);
  return {
    tokens: keys.filter((key) => key.startsWith("t:")),
    records: keys.filter((key) => key.startsWith("u:")),
    index: keys.filter((key) => key.startsWith("i:")),
  };
}

/** Records whose index entry is missing (the store's invariant says: none). */
export async function recordsWithoutIndex(kv) {
  const { records, index } = await storeKeys(kv);
  const entries = new Set(index);
  return records.filter((record) => {
    const [, user, pusherId] = record.split(":");
    return !entries.has(`i:${pusherId}:${user}`);
  });
}

/** Index entries whose record is missing (harmless, but a completed request leaves none). */
export async function danglingIndex(kv) {
  const { records, index } = await storeKeys(kv);
  const stored = new Set(records);
  return index.filter((entry) => {
    const [, pusherId, user] = entry.split(":");
    return !stored.has(`u:${user}:${pusherId}`);
  });
}
