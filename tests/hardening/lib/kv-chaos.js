// Test-only KV wrapper for the hardening tests, run as its own worker beside the service in
// Miniflare (the service's PUSHERS binding points here instead of at the namespace).
//
// Unlike tests/worker/kv-fault.js (fail everything after a point), this one fails every Nth
// matching operation, so that failures land at every step of every request under load.
// Control, through this worker's fetch handler:
//   POST /chaos {"ops":["put","delete"],"every":7}   fail the 7th, 14th, ... matching call
//   POST /chaos {}                                    stop failing
//   GET  /counts                                      { get, put, delete, list, failed }

import { WorkerEntrypoint } from "cloudflare:workers";

let counts = { get: 0, put: 0, delete: 0, list: 0, failed: 0 };
let chaos = { ops: [], every: 0, seen: 0 };

function run(op, call) {
  counts[op] += 1;
  if (chaos.every > 0 && chaos.ops.includes(op)) {
    chaos.seen += 1;
    if (chaos.seen % chaos.every === 0) {
      counts.failed += 1;
      return Promise.reject(new Error(`injected KV ${op} failure`));
    }
  }
  return call();
}

export class ChaosKV extends WorkerEntrypoint {
  get(key, options) {
    return run("get", () => this.env.KV.get(key, options));
  }

  getWithMetadata(key, options) {
    // A bulk read (an array of keys) is billed, and counted, as one read per key.
    if (Array.isArray(key)) counts.get += key.length - 1;
    return run("get", () => this.env.KV.getWithMetadata(key, options));
  }

  put(key, value, options) {
    return run("put", () => this.env.KV.put(key, value, options));
  }

  delete(key) {
    return run("delete", () => this.env.KV.delete(key));
  }

  list(options) {
    return run("list", () => this.env.KV.list(options));
  }
}

export default {
  async fetch(request) {
    const { pathname } = new URL(request.url);
    if (request.method === "POST" && pathname === "/chaos") {
      const { ops = [], every = 0 } = await request.json();
      chaos = { ops, every, seen: 0 };
      return Response.json({});
    }
    if (request.method === "GET" && pathname === "/counts") return Response.json(counts);
    return new Response("not found", { status: 404 });
  },
};
