// Starts the bundled worker in workerd through Miniflare for the hardening tests: real KV
// persisted to a directory, behind kv-chaos.js, restartable on the same directory.

import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Log, LogLevel, Miniflare } from "miniflare";

import { bundle, miniflareOptions } from "../../../www/local.mjs";
import { tokenKey } from "../../../www/store.js";

const HERE = dirname(fileURLToPath(import.meta.url));

let bundled;
function workerBundle() {
  bundled ??= mkdtemp(join(tmpdir(), "mpv-hardening-bundle-")).then((dir) => bundle(join(dir, "out")));
  return bundled;
}

/** The workerd processes that are children of this Node process. */
function workerdPids() {
  try {
    const out = execFileSync("ps", ["-o", "pid=,comm=", "--ppid", String(process.pid)], { encoding: "utf8" });
    return out.split("\n").map((l) => l.trim().split(/\s+/)).filter(([, c]) => c && c.includes("workerd")).map(([p]) => Number(p));
  } catch {
    return [];
  }
}

/** Resident set size of a process, in bytes. */
export async function rssOf(pid) {
  const status = await readFile(`/proc/${pid}/status`, "utf8");
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)[1]) * 1024;
}

/**
 * Starts the service on `dir` (a new temporary directory when absent).
 * @param {{ dir?: string, vars?: Record<string, string> }} [settings]
 */
export async function startService({ dir, vars = {} } = {}) {
  const { outdir } = await workerBundle();
  const ownDir = dir === undefined;
  const persistDir = dir ?? (await mkdtemp(join(tmpdir(), "mpv-hardening-kv-")));
  const before = new Set(workerdPids());
  const options = await miniflareOptions({
    bundleDir: outdir,
    persistDir,
    vars,
    // The per-user rate limit is the worker tests' subject; here it must not shape the load.
    rateLimit: { limit: 1_000_000, period: 60 },
    host: "127.0.0.1",
    port: 0,
  });
  const { host, port, kvPersist, cf, ...service } = options;
  const namespaceId = service.kvNamespaces.PUSHERS.id ?? service.kvNamespaces.PUSHERS;
  service.kvNamespaces = {};
  service.serviceBindings = { PUSHERS: { name: "kv-chaos", entrypoint: "ChaosKV" } };
  const chaosWorker = {
    name: "kv-chaos",
    modules: true,
    scriptPath: join(HERE, "kv-chaos.js"),
    compatibilityDate: service.compatibilityDate,
    kvNamespaces: { KV: namespaceId },
  };
  const mf = new Miniflare({
    host, port, kvPersist, cf, log: new Log(LogLevel.NONE), workers: [service, chaosWorker],
    // The worker logs every injected failure; the tests read answers, not logs.
    handleRuntimeStdio(stdout, stderr) {
      stdout.resume();
      stderr.resume();
    },
  });
  const url = (await mf.ready).href.replace(/\/$/, "");
  const kv = await mf.getKVNamespace("KV", "kv-chaos");
  const control = await mf.getWorker("kv-chaos");
  const pid = workerdPids().find((p) => !before.has(p)) ?? null;

  return {
    mf,
    url,
    dir: persistDir,
    kv,
    pid,
    async mint(user) {
      const token = `hard_${randomBytes(18).toString("base64url")}`;
      await kv.put(await tokenKey(token), user);
      return token;
    },
    /** Fail every `every`th KV call among `ops`; `every: 0` stops. */
    async chaos(ops, every) {
      await control.fetch("http://kv-chaos/chaos", { method: "POST", body: JSON.stringify({ ops, every }) });
    },
    async counts() {
      return (await control.fetch("http://kv-chaos/counts")).json();
    },
    async dispose({ keep = false } = {}) {
      await mf.dispose();
      if (ownDir && !keep) await rm(persistDir, { recursive: true, force: true });
    },
  };
}

/** A client for one user. Every answer is read whole and parsed; nothing throws on a status. */
export function client(url, token) {
  const auth = { Authorization: `Bearer ${token}` };
  const fetch = async (input, init) => {
    try {
      return await globalThis.fetch(input, init);
    } catch (err) {
      throw new Error(`${init?.method ?? "GET"} ${input}: ${err.cause?.code ?? ""} ${err.cause?.message ?? err.message}`, { cause: err });
    }
  };
  const answer = async (response) => {
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
    async post(bytes) {
      return answer(await fetch(`${url}/_matrix/client/v3/pushers/set`, {
        method: "POST",
        headers: { ...auth, "Content-Type": "application/json" },
        body: bytes,
      }));
    },
    set(pusher, append) {
      return this.post(JSON.stringify(append === undefined ? pusher : { ...pusher, append }));
    },
    remove(appId, pushkey) {
      return this.post(JSON.stringify({ kind: null, app_id: appId, pushkey }));
    },
    async list() {
      return answer(await fetch(`${url}/_matrix/client/v3/pushers`, { headers: auth }));
    },
  };
}

/** Every key of the store by kind: records `u:` (with values) and index entries `i:`. */
export async function snapshot(kv) {
  const names = [];
  let cursor;
  do {
    const page = await kv.list(cursor ? { cursor } : {});
    names.push(...page.keys.map((k) => k.name));
    cursor = page.list_complete ? undefined : page.cursor;
  } while (cursor);
  const records = new Map();
  for (const name of names.filter((n) => n.startsWith("u:"))) records.set(name, await kv.get(name));
  const index = new Set(names.filter((n) => n.startsWith("i:")));
  const withoutIndex = [...records.keys()].filter((r) => {
    const [, user, id] = r.split(":");
    return !index.has(`i:${id}:${user}`);
  });
  const dangling = [...index].filter((e) => {
    const [, id, user] = e.split(":");
    return !records.has(`u:${user}:${id}`);
  });
  return { records, index, withoutIndex, dangling };
}

/** Whether a body is a Matrix error: `errcode` M_..., `error` a string. */
export function isMatrixError(body) {
  return typeof body === "object" && body !== null && /^M_[A-Z_]+$/.test(body.errcode ?? "") && typeof body.error === "string";
}
