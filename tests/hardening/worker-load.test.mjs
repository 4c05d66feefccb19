// The worker under concurrent load (workerd through Miniflare, real persisted KV): 1000 requests
// from 64 concurrent clients mixing set, delete and list over 20 users end in exactly the state a
// sequential model predicts, and nothing of one user is ever visible to another.
//
// Each (user, app_id, pushkey) is driven by one client only, one request at a time, so its final
// state is order-independent; shared pushkeys are set with `append: true` by every user, which
// docs/rules.md section 7 says leaves the other users' copies alone.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";

import fc from "fast-check";

import { client, snapshot, startService, withAppend } from "../lib/service.mjs";

const USERS = 20;
const CLIENTS = 64;
const REQUESTS = 1000;
const OWN_KEYS = 4;
const SHARED_KEYS = 2;
const APPS = ["im.vector.app.android", "org.example.app"];
const URL_OK = "https://push.example.org/_matrix/push/v1/notify";

let service;
before(async () => {
  service = await startService({ quiet: true });
});
after(() => service?.dispose());

const userId = (u) => `@load${u}:localhost`;

function pusherFor(stream, version) {
  return {
    kind: "http",
    app_id: stream.appId,
    pushkey: stream.pushkey,
    app_display_name: "Load",
    device_display_name: `u${stream.user} v${version}`,
    lang: "en",
    data: { url: URL_OK, owner: stream.user, v: version },
  };
}

test("1000 requests from 64 clients over 20 users end in the state the model predicts", async () => {
  const rng = fc.sample(fc.integer({ min: 0, max: 0x7fffffff }), {
    numRuns: 4 * REQUESTS,
    seed: Number(process.env.HARDENING_SEED ?? 1),
  });
  let r = 0;
  const rand = (n) => rng[r++ % rng.length] % n;

  const tokens = [];
  for (let u = 0; u < USERS; u += 1) tokens.push(await service.mint(userId(u)));
  const users = tokens.map((t) => client(service, t));

  // Streams: one per (user, app_id, pushkey); each belongs to one client.
  const streams = [];
  for (let u = 0; u < USERS; u += 1) {
    for (let k = 0; k < OWN_KEYS; k += 1)
      streams.push({ user: u, appId: APPS[k % 2], pushkey: `own-${u}-${k}`, append: false });
    for (let k = 0; k < SHARED_KEYS; k += 1)
      streams.push({ user: u, appId: APPS[0], pushkey: `shared-${k}`, append: true });
  }
  const plans = Array.from({ length: CLIENTS }, () => []);
  for (let i = 0; i < REQUESTS; i += 1) {
    const stream = streams[rand(streams.length)];
    const roll = rand(100);
    const op = roll < 55 ? "set" : roll < 80 ? "delete" : "list";
    plans[streams.indexOf(stream) % CLIENTS].push({ stream, op });
  }

  // The model: per stream, the version last set (null: absent), updated only on a 200.
  const model = new Map(streams.map((s) => [s, null]));
  let version = 0;
  const statuses = {};
  const leaks = [];
  const started = performance.now();
  await Promise.all(
    plans.map(async (plan) => {
      for (const { stream, op } of plan) {
        const me = users[stream.user];
        if (op === "set") {
          version += 1;
          const v = version;
          const res = await me.set(withAppend(pusherFor(stream, v), stream.append));
          statuses[res.status] = (statuses[res.status] ?? 0) + 1;
          if (res.status === 200) model.set(stream, v);
        } else if (op === "delete") {
          const res = await me.remove(stream.appId, stream.pushkey);
          statuses[res.status] = (statuses[res.status] ?? 0) + 1;
          if (res.status === 200) model.set(stream, null);
        } else {
          const res = await me.list();
          statuses[res.status] = (statuses[res.status] ?? 0) + 1;
          for (const p of res.body.pushers ?? []) {
            if (p.data.owner !== stream.user) leaks.push({ viewer: stream.user, pusher: p });
          }
          // This client is the only writer of its stream, so the list shows its last write.
          const mine = (res.body.pushers ?? []).filter(
            (p) => p.app_id === stream.appId && p.pushkey === stream.pushkey,
          );
          const want = model.get(stream);
          assert.deepEqual(
            mine.map((p) => p.data.v),
            want === null ? [] : [want],
            `list of ${stream.pushkey} mid-run`,
          );
        }
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;

  assert.deepEqual(leaks, [], "a user saw another user's pusher");
  assert.deepEqual(Object.keys(statuses), ["200"], `statuses ${JSON.stringify(statuses)}`);

  for (let u = 0; u < USERS; u += 1) {
    const res = await users[u].list();
    assert.equal(res.status, 200);
    const got = res.body.pushers.map((p) => `${p.app_id}|${p.pushkey}|${p.data.v}|${p.data.owner}`).sort();
    const want = streams
      .filter((s) => s.user === u && model.get(s) !== null)
      .map((s) => `${s.appId}|${s.pushkey}|${model.get(s)}|${u}`)
      .sort();
    assert.deepEqual(got, want, `final pushers of ${userId(u)}`);
    for (const p of res.body.pushers)
      assert.deepEqual(
        p,
        pusherFor(
          streams.find((s) => s.user === u && s.pushkey === p.pushkey && s.appId === p.app_id),
          p.data.v,
        ),
      );
  }

  const store = await snapshot(service.kv);
  assert.deepEqual(store.withoutIndex, [], "records without their index entry");
  assert.deepEqual(store.dangling, [], "index entries without their record");
  const live = [...model.values()].filter((v) => v !== null).length;
  assert.equal(store.records.size, live, "records in KV");
  const rate = Math.round(REQUESTS / seconds);
  console.log(
    `load: ${REQUESTS} requests, ${CLIENTS} clients, ${USERS} users, ${seconds.toFixed(1)} s (${rate} req/s), ${live} pushers at the end, statuses ${JSON.stringify(statuses)}`,
  );
});
