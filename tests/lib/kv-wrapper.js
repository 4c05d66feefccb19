// Test-only KV wrapper, run as its own worker beside the service in Miniflare: the tests bind the
// service's PUSHERS to this entrypoint instead of the namespace (wrangler.toml binds PUSHERS to the
// real namespace, so none of this exists in a deployment).
//
// It forwards every call to the real (persisted) namespace, counts operations by kind and key
// prefix, and fails on demand in one of two ways:
// - from a point on (`/fail`): let `after` matching operations through, then fail every later one,
//   to put a failure at one exact step of one request;
// - every Nth (`/chaos`): fail the Nth, 2Nth, ... matching operation, so that failures land at
//   every step of every request under load.
// Control, through this worker's fetch handler:
//   POST /reset                                  clear counts and failures
//   GET  /counts                                 { get, put, delete, list, failed, byPrefix: { "get t": 1 } }
//   POST /fail  {"ops":["put"],"after":1}        fail from the second matching put on, until /reset
//   POST /chaos {"ops":["put","delete"],"every":7}
//   POST /chaos {}                               stop failing

import { WorkerEntrypoint } from "cloudflare:workers";

let counts;
/** @type {null | { ops: string[], after: number } | { ops: string[], every: number, seen: number }} */
let failure;
reset();

function reset() {
  counts = { get: 0, put: 0, delete: 0, list: 0, failed: 0, byPrefix: {} };
  failure = null;
}

function prefixOf(keyOrOptions) {
  const key = typeof keyOrOptions === "string" ? keyOrOptions : (keyOrOptions?.prefix ?? "");
  return key.slice(0, 1);
}

/** Whether this call of `op` is one to fail. */
function fails(op) {
  if (failure === null || !failure.ops.includes(op)) return false;
  if ("every" in failure) {
    failure.seen += 1;
    return failure.seen % failure.every === 0;
  }
  if (failure.after > 0) {
    failure.after -= 1;
    return false;
  }
  return true;
}

function run(op, keyOrOptions, call) {
  if (fails(op)) {
    counts.failed += 1;
    return Promise.reject(new Error(`injected KV ${op} failure`));
  }
  // A bulk read (an array of keys) is billed, and counted, as one read per key.
  for (const key of Array.isArray(keyOrOptions) ? keyOrOptions : [keyOrOptions]) {
    counts[op] += 1;
    const label = `${op} ${prefixOf(key)}`;
    counts.byPrefix[label] = (counts.byPrefix[label] ?? 0) + 1;
  }
  return call();
}

export class WrappedKV extends WorkerEntrypoint {
  get(key, options) {
    return run("get", key, () => this.env.KV.get(key, options));
  }

  getWithMetadata(key, options) {
    return run("get", key, () => this.env.KV.getWithMetadata(key, options));
  }

  put(key, value, options) {
    return run("put", key, () => this.env.KV.put(key, value, options));
  }

  delete(key) {
    return run("delete", key, () => this.env.KV.delete(key));
  }

  list(options) {
    return run("list", options, () => this.env.KV.list(options));
  }
}

export default {
  async fetch(request) {
    const { pathname } = new URL(request.url);
    if (request.method === "POST" && pathname === "/reset") {
      reset();
      return Response.json({});
    }
    if (request.method === "GET" && pathname === "/counts") return Response.json(counts);
    if (request.method === "POST" && pathname === "/fail") {
      const { ops, after = 0 } = await request.json();
      failure = { ops, after };
      return Response.json({});
    }
    if (request.method === "POST" && pathname === "/chaos") {
      const { ops = [], every = 0 } = await request.json();
      failure = every > 0 ? { ops, every, seen: 0 } : null;
      return Response.json({});
    }
    return new Response("not found", { status: 404 });
  },
};
