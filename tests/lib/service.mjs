// Starts the bundled worker (the `wrangler deploy` bundle) in workerd through Miniflare for every
// test layer that needs the service: real KV persisted to a directory (a new temporary one, or a
// given one to restart on), by default behind the counting and failing wrapper of kv-wrapper.js.
// Also the clients and store readers those tests share.

import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { rmSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Log, LogLevel, Miniflare } from "miniflare";
import { bundle, miniflareOptions } from "../../www/local.mjs";
import { tokenKey } from "../../www/store.js";

const HERE = dirname(fileURLToPath(import.meta.url));

/** A temporary directory (the caller removes it). */
export async function tempDir(name) {
  return mkdtemp(join(tmpdir(), `mpv-${name}-`));
}

let bundled;
/** The deploy bundle (`wrangler deploy --dry-run`), built once per test process. */
export function workerBundle() {
  bundled ??= tempDir("bundle").then((dir) => {
    process.on("exit", () => rmSync(dir, { recursive: true, force: true }));
    return bundle(join(dir, "out"));
  });
  return bundled;
}

/** The workerd processes that are children of this Node process. */
function workerdPids() {
  try {
    const out = execFileSync("ps", ["-o", "pid=,comm=", "--ppid", String(process.pid)], { encoding: "utf8" });
    return out
      .split("\n")
      .map((line) => line.trim().split(/\s+/))
      .filter(([, command]) => command?.includes("workerd"))
      .map(([pid]) => Number(pid));
  } catch {
    return [];
  }
}

/** Resident set size of a process, in bytes. */
export async function rssOf(pid) {
  const status = await readFile(`/proc/${pid}/status`, "utf8");
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1]) * 1024;
}

/**
 * Starts the service.
 * @param {object} [settings]
 * @param {string} [settings.persistDir] reuse a store (restart tests); a new one by default
 * @param {Record<string, string>} [settings.vars] overrides of wrangler.toml's [vars]
 * @param {{ limit: number, period: 10 | 60 }} [settings.rateLimit] default: effectively none
 * @param {boolean} [settings.wrapped] put kv-wrapper.js in front of KV (default true)
 * @param {boolean} [settings.quiet] drop workerd's own output (it logs every injected failure)
 */
export async function startService({ persistDir, vars = {}, rateLimit, wrapped = true, quiet = false } = {}) {
  const { outdir } = await workerBundle();
  const ownDir = persistDir === undefined;
  const dir = persistDir ?? (await tempDir("kv"));
  const before = new Set(workerdPids());
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
  if (wrapped) {
    service.kvNamespaces = {};
    service.serviceBindings = { PUSHERS: { name: "kv-wrapper", entrypoint: "WrappedKV" } };
    workers.push({
      name: "kv-wrapper",
      modules: true,
      scriptPath: join(HERE, "kv-wrapper.js"),
      compatibilityDate: service.compatibilityDate,
      kvNamespaces: { KV: namespaceId },
    });
  }
  const mf = new Miniflare({
    host,
    port,
    kvPersist,
    cf,
    log: new Log(quiet ? LogLevel.NONE : LogLevel.WARN),
    workers,
    ...(quiet && {
      handleRuntimeStdio(stdout, stderr) {
        stdout.resume();
        stderr.resume();
      },
    }),
  });
  const url = (await mf.ready).href.replace(/\/$/, "");
  const kv = await mf.getKVNamespace(wrapped ? "KV" : "PUSHERS", wrapped ? "kv-wrapper" : "pushers");
  const wrapper = wrapped ? await mf.getWorker("kv-wrapper") : null;
  const pid = workerdPids().find((p) => !before.has(p)) ?? null;

  const control = async (method, path, body) => {
    if (!wrapper) throw new Error("started without the KV wrapper");
    const response = await wrapper.fetch(`http://kv-wrapper${path}`, {
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
    /** The workerd process (null when it could not be told apart). */
    pid,
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
    /** KV wrapper: fail every `every`th of these operations; `every: 0` stops. */
    chaos: (ops, every) => control("POST", "/chaos", { ops, every }),
    /** Stops the service; its store is removed unless it was given or `keep` is set. */
    async dispose({ keep = false } = {}) {
      await mf.dispose();
      if (ownDir && !keep) await rm(dir, { recursive: true, force: true });
    },
  };
}

const SET_PATH = "/_matrix/client/v3/pushers/set";
const LIST_PATH = "/_matrix/client/v3/pushers";

/**
 * A client for one user of a started service. Every answer is read whole: `{ status,
 * contentType, body }`, the body parsed (`{ unparsable: text }` when it is not JSON); nothing
 * throws on a status, and a failed connection names the request.
 */
export function client(service, token) {
  const headers = (extra = {}) => (token ? { Authorization: `Bearer ${token}`, ...extra } : extra);
  const send = async (path, init) => {
    let response;
    try {
      response = await service.fetch(path, init);
    } catch (err) {
      const why = `${err.cause?.code ?? ""} ${err.cause?.message ?? err.message}`;
      throw new Error(`${init?.method ?? "GET"} ${path}: ${why}`, { cause: err });
    }
    const text = await response.text();
    let body;
    try {
      body = JSON.parse(text);
    } catch {
      body = { unparsable: text };
    }
    return { status: response.status, contentType: response.headers.get("Content-Type"), body };
  };
  return {
    /** POST /pushers/set with `body`: an object (sent as JSON), a string or bytes. */
    set(body, path = SET_PATH) {
      return send(path, {
        method: "POST",
        headers: headers({ "Content-Type": "application/json" }),
        body: typeof body === "string" || body instanceof Uint8Array ? body : JSON.stringify(body),
      });
    },
    list(path = LIST_PATH) {
      return send(path, { headers: headers() });
    },
    remove(appId, pushkey) {
      return this.set({ kind: null, app_id: appId, pushkey });
    },
  };
}

export { pusher } from "./pusher.mjs";

/** `body` with `append` set, or as it is when `append` is undefined. */
export function withAppend(body, append) {
  return append === undefined ? body : { ...body, append };
}

/**
 * The store as it is: every key by kind (tokens `t:`, records `u:` with their values, index
 * entries `i:`), and the records without their index entry (the store's invariant: none) and
 * index entries without their record (harmless, but a completed request leaves none).
 */
export async function snapshot(kv) {
  const names = [];
  let cursor;
  do {
    const page = await kv.list(cursor ? { cursor } : {});
    names.push(...page.keys.map((key) => key.name));
    cursor = page.list_complete ? undefined : page.cursor;
  } while (cursor);
  const tokens = names.filter((name) => name.startsWith("t:"));
  const records = new Map();
  for (const name of names.filter((n) => n.startsWith("u:"))) records.set(name, await kv.get(name));
  const index = new Set(names.filter((name) => name.startsWith("i:")));
  const withoutIndex = [...records.keys()].filter((record) => {
    const [, user, pusherId] = record.split(":");
    return !index.has(`i:${pusherId}:${user}`);
  });
  const dangling = [...index].filter((entry) => {
    const [, pusherId, user] = entry.split(":");
    return !records.has(`u:${user}:${pusherId}`);
  });
  return { tokens, records, index, withoutIndex, dangling };
}

/** Whether a body is a Matrix error: `errcode` M_..., `error` a string. */
export function isMatrixError(body) {
  return (
    typeof body === "object" &&
    body !== null &&
    /^M_[A-Z_]+$/.test(body.errcode ?? "") &&
    typeof body.error === "string"
  );
}
