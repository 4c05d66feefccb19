// KV operations per request type, counted (not estimated), and what they cost on Workers KV:
// the real worker bundle in Miniflare behind the test suite's counting wrapper
// (tests/lib/kv-wrapper.js, started by tests/lib/service.mjs), one request per scenario,
// counts reset before each; the one type that needs time to pass (`unchanged_settling`) is
// counted on the store module itself over the same namespace, with a clock moved past the
// propagation window. Each type is priced at Cloudflare's published KV prices, and so is the mix
// of benches/service.mjs (85 % unchanged re-registrations, 5 % changed, 5 % new, 5 % deletes).
//   node benches/kv-ops.mjs OUT.json
import { writeFileSync } from "node:fs";
import { countingKv } from "../tests/lib/counting-kv.mjs";
import { client, pusher, startService } from "../tests/lib/service.mjs";
import { KV_BUDGET } from "../tests/worker/kv-budget.mjs";
import { hash, PROPAGATION_MS, PusherStore } from "../www/store.js";

// Workers KV pricing, from https://developers.cloudflare.com/kv/platform/pricing/ (the table is
// the partial src/content/partials/workers/kv_pricing.mdx of cloudflare/cloudflare-docs), read on
// 2026-12-01. Free plan: per day, reset at 00:00 UTC; past a limit, operations of that type fail.
// Paid plan ($5 a month for Workers Paid): the inclusions per month, then the price per million.
export const PRICES = {
  source: "https://developers.cloudflare.com/kv/platform/pricing/",
  read_on: "2026-12-01",
  usd_per_million: { get: 0.5, put: 5, delete: 5, list: 5 },
  paid_included_per_month: { get: 10_000_000, put: 1_000_000, delete: 1_000_000, list: 1_000_000 },
  free_per_day: { get: 100_000, put: 1_000, delete: 1_000, list: 1_000 },
};

export const MIX = { unchanged: 0.85, replacement: 0.05, new: 0.05, delete: 0.05 };

// The same request types under the previous store (every set listed the caller's keys, and an
// `append: false` set the pusher's index too), as this benchmark counted them at that commit.
export const BEFORE = {
  new: { get: 0, list: 2, put: 2, delete: 0 },
  replacement: { get: 0, list: 2, put: 1, delete: 0 },
  unchanged: { get: 0, list: 2, put: 1, delete: 0 },
  displacing: { get: 1, list: 2, put: 2, delete: 2 },
  new_append_true: { get: 0, list: 1, put: 2, delete: 0 },
  replacement_append_true: { get: 0, list: 1, put: 1, delete: 0 },
  unchanged_append_true: { get: 0, list: 1, put: 1, delete: 0 },
  delete: { get: 0, list: 0, put: 0, delete: 2 },
  list: { get: 0, list: 1, put: 0, delete: 0 },
};

const OPS = ["get", "list", "put", "delete"];
const round = (n) => Math.round(n * 1e4) / 1e4;

/** Price per million requests, and how many a day the free plan allows (and which limit binds). */
export function price(counts) {
  const usd = OPS.reduce((sum, op) => sum + counts[op] * PRICES.usd_per_million[op], 0);
  let perDay = Infinity;
  let limitedBy = null;
  for (const op of OPS) {
    if (counts[op] === 0) continue;
    const fit = PRICES.free_per_day[op] / counts[op];
    if (fit < perDay) [perDay, limitedBy] = [fit, op];
  }
  return {
    usd_per_million_requests: round(usd),
    free_plan_requests_per_day: Number.isFinite(perDay) ? Math.floor(perDay) : null,
    free_plan_limited_by: limitedBy,
  };
}

/** The operations of one mixed request on average. */
export function mixOf(types) {
  return Object.fromEntries(
    OPS.map((op) => [op, round(Object.entries(MIX).reduce((sum, [type, share]) => sum + share * types[type][op], 0))]),
  );
}

async function measureAll() {
  const service = await startService();
  const counted = {};
  try {
    const alice = client(service, await service.mint("@alice:localhost"));
    const bob = client(service, await service.mint("@bob:localhost"));
    const measure = async (name, request) => {
      await service.resetKv();
      const { status } = await request();
      if (status !== 200) throw new Error(`kv-ops: ${name} answered ${status}`);
      const { get, put, delete: del, list, byPrefix } = await service.kvCounts();
      counted[name] = { get, list, put, delete: del, byPrefix };
    };
    const main = pusher({ pushkey: "a-1", lang: "en-US" });
    // The same pusher as another client spells it.
    const respelled = pusher({
      pushkey: "a-1",
      lang: "en_us",
      data: { url: "HTTPS://Push.Example.org:443/_matrix/push/v1/notify", format: "event_id_only" },
      append: null,
    });

    // A token's first request reads it from KV; the isolate caches it afterwards.
    await measure("token_first_use", () => alice.list());
    await bob.list();
    await measure("new", () => alice.set(main));
    await measure("unchanged", () => alice.set(respelled));
    await measure("replacement", () => alice.set({ ...main, device_display_name: "Renamed" }));
    await measure("unchanged_append_true", () => alice.set({ ...main, device_display_name: "Renamed", append: true }));
    await measure("replacement_append_true", () => alice.set({ ...main, append: true }));
    await measure("new_append_true", () => bob.set({ ...main, append: true }));
    await measure("unchanged_after_join", () => alice.set(respelled));
    await measure("unchanged_within_window", () => alice.set(respelled));
    await alice.set(pusher({ pushkey: "taken" }));
    await measure("displacing", () => bob.set(pusher({ pushkey: "taken" })));
    await measure("delete", () => alice.remove("im.vector.app.android", "a-1"));
    await alice.set(pusher({ pushkey: "two" }));
    await measure("list", () => alice.list());
    // The list of the first request was list + token read: keep the token's part.
    counted.token_first_use = Object.fromEntries(OPS.map((op) => [op, counted.token_first_use[op] - counted.list[op]]));

    // The first unchanged set after the propagation window, with a clock the benchmark moves.
    const { kv, counts } = countingKv(service.kv);
    let now = Date.now();
    const store = new PusherStore(kv, { now: () => now });
    const holder = { userHash: await hash("@settle-a:localhost") };
    const joiner = { userHash: await hash("@settle-b:localhost") };
    const p = pusher({ pushkey: "settle" });
    const json = JSON.stringify(p);
    await store.set(holder, p, json, { append: false, maxPushers: 20 });
    now += 1000;
    await store.set(joiner, p, json, { append: true, maxPushers: 20 });
    now += 1000;
    await store.set(holder, p, json, { append: false, maxPushers: 20 });
    now += PROPAGATION_MS + 1000;
    for (const op of OPS) counts[op] = 0;
    await store.set(holder, p, json, { append: false, maxPushers: 20 });
    counted.unchanged_settling = Object.fromEntries(OPS.map((op) => [op, counts[op]]));
  } finally {
    await service.dispose();
  }
  return counted;
}

const counted = await measureAll();
const types = {};
const mismatches = [];
for (const [type, { what, ...table }] of Object.entries(KV_BUDGET)) {
  const c = counted[type];
  if (!c) throw new Error(`kv-ops: ${type} not measured`);
  for (const op of OPS) if (c[op] !== table[op]) mismatches.push(`${type} ${op}: counted ${c[op]}, table ${table[op]}`);
  types[type] = { what, ...c, ...price(c) };
}
const before = Object.fromEntries(Object.entries(BEFORE).map(([type, c]) => [type, { ...c, ...price(c) }]));
const mix = mixOf(types);
const mixBefore = mixOf(before);
const result = {
  prices: PRICES,
  types,
  matches_table: mismatches.length === 0,
  mismatches,
  mix: { shares: MIX, per_request: mix, ...price(mix) },
  before: { types: before, mix: { per_request: mixBefore, ...price(mixBefore) } },
};

if (process.argv[2]) writeFileSync(process.argv[2], JSON.stringify(result, null, 2));
for (const [name, c] of Object.entries(types)) {
  console.log(
    `kv-ops: ${name.padEnd(24)} get ${c.get} list ${c.list} put ${c.put} delete ${c.delete}  $${c.usd_per_million_requests}/M  free ${c.free_plan_requests_per_day ?? "∞"}/day`,
  );
}
console.log(
  `kv-ops: mix ${JSON.stringify(mix)} $${result.mix.usd_per_million_requests}/M, free ${result.mix.free_plan_requests_per_day}/day (before: $${result.before.mix.usd_per_million_requests}/M, ${result.before.mix.free_plan_requests_per_day}/day)`,
);
if (mismatches.length) {
  console.error(`kv-ops: the counts differ from tests/worker/kv-budget.mjs:\n  ${mismatches.join("\n  ")}`);
  process.exitCode = 1;
}
