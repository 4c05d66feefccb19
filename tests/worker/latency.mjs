// Request latency of the worker on loopback (workerd through Miniflare, KV persisted to disk, no
// test wrapper in front of KV): sequential /versions (the floor), sets (append: false and true),
// lists and deletes.
//
//   node tests/worker/latency.mjs [N]     N requests of each kind (default 500); prints JSON

import { performance } from "node:perf_hooks";
import { client, pusher, startService } from "../lib/service.mjs";

const N = Number(process.argv[2] ?? 500);

function summary(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  const round = (ms) => Math.round(ms * 100) / 100;
  return { n: sorted.length, p50_ms: round(at(0.5)), p99_ms: round(at(0.99)), max_ms: round(sorted.at(-1)) };
}

async function timed(samples, request) {
  const start = performance.now();
  const { status } = await request();
  samples.push(performance.now() - start);
  if (status !== 200) throw new Error(`status ${status}`);
}

const service = await startService({ wrapped: false });
try {
  const alice = client(service, await service.mint("@alice:localhost"));
  const bob = client(service, await service.mint("@bob:localhost"));
  // Warm-up: the isolate, the wasm and the token cache.
  for (let i = 0; i < 20; i += 1) await alice.list();

  const results = { versions: [], setAppendFalse: [], setAppendTrue: [], list: [], delete: [] };
  // The floor: HTTP on loopback and the router, no KV and no validation.
  for (let i = 0; i < N; i += 1) {
    await timed(results.versions, async () => ({ status: (await service.fetch("/_matrix/client/versions")).status }));
  }
  for (let i = 0; i < N; i += 1) {
    // Alice and Bob take turns on each of 10 pushkeys: after the first 10 sets, every set
    // displaces the other user's copy (two lists, two deletes, two puts).
    const user = i % 2 ? bob : alice;
    await timed(results.setAppendFalse, () => user.set(pusher({ pushkey: `k${Math.floor(i / 2) % 10}` })));
  }
  for (let i = 0; i < N; i += 1) {
    await timed(results.setAppendTrue, () => alice.set(pusher({ pushkey: `t${i % 10}`, append: true })));
  }
  for (let i = 0; i < N; i += 1) await timed(results.list, () => alice.list());
  for (let i = 0; i < N; i += 1) {
    await timed(results.delete, () => alice.remove("im.vector.app.android", `t${i % 10}`));
  }
  const report = Object.fromEntries(Object.entries(results).map(([name, samples]) => [name, summary(samples)]));
  console.log(
    JSON.stringify({ requestsEach: N, stored: (await alice.list()).body.pushers.length, ...report }, null, 2),
  );
} finally {
  await service.dispose();
}
