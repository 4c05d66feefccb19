// Test-only KV wrapper, run as its own worker beside the service in Miniflare. The tests bind the
// service's PUSHERS to this entrypoint instead of the namespace; wrangler.toml binds PUSHERS to
// the real namespace, so none of this exists in a deployment.
//
// It forwards every call to the real (persisted) namespace, counts operations by kind and key
// prefix, and fails on demand. Control, through this worker's fetch handler:
//   POST /reset                              clear counts and failures
//   GET  /counts                             { get, put, delete, list, byPrefix: { "get t": 1 } }
//   POST /fail {"ops":["put"],"after":1}     let `after` matching operations through, then fail
//                                            every later one until /reset

import { WorkerEntrypoint } from "cloudflare:workers";

let counts;
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

async function run(op, keyOrOptions, call) {
  if (failure !== null && failure.ops.includes(op)) {
    if (failure.after > 0) {
      failure.after -= 1;
    } else {
      counts.failed += 1;
      throw new Error(`injected KV ${op} failure`);
    }
  }
  // A bulk read (an array of keys) is billed, and counted, as one read per key.
  for (const key of Array.isArray(keyOrOptions) ? keyOrOptions : [keyOrOptions]) count(op, key);
  return call();
}

function count(op, keyOrOptions) {
  counts[op] += 1;
  const label = `${op} ${prefixOf(keyOrOptions)}`;
  counts.byPrefix[label] = (counts.byPrefix[label] ?? 0) + 1;
}

export class FaultyKV extends WorkerEntrypoint {
  get(key, options) {
    return run("get", key, () => this.env.KV.get(key, options));
  }

  // Billed as a read per key, and counted so.
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
    return new Response("not found", { status: 404 });
  },
};
