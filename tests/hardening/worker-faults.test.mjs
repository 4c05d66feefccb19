// The worker with failing KV writes (every Nth put or delete fails, through tests/lib/kv-wrapper.js): each
// failure answers 503 M_UNKNOWN, and the store stays consistent. Sequentially, every request's
// effect is all or nothing; under concurrency, every stream ends in a state one of its requests
// asked for, and every record keeps its index entry (www/store.js's invariant).
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";

import { hash } from "../../www/store.js";
import { client, isMatrixError, snapshot, startService, withAppend } from "../lib/service.mjs";

const URL_OK = "https://push.example.org/_matrix/push/v1/notify";
const APP = "org.example.app";

let service;
before(async () => {
  service = await startService({ quiet: true });
});
after(() => service?.dispose());

function pusherFor(owner, pushkey, v) {
  return {
    kind: "http",
    app_id: APP,
    pushkey,
    app_display_name: "Fault",
    device_display_name: `${owner} v${v}`,
    lang: "en",
    data: { url: URL_OK, owner, v },
  };
}

/** The store's records as a sorted list of "owner|pushkey|v" (read from KV directly). */
async function state(userHashes) {
  const snap = await snapshot(service.kv);
  const rows = [...snap.records.entries()]
    .filter(([key]) => userHashes.has(key.split(":")[1]))
    .map(([key, text]) => {
      const p = JSON.parse(text);
      assert.equal(userHashes.get(key.split(":")[1]), p.data.owner, `record ${key} is under the wrong user`);
      return `${p.data.owner}|${p.pushkey}|${p.data.v}`;
    });
  return { rows: rows.sort(), withoutIndex: snap.withoutIndex, dangling: snap.dangling };
}

function checkFailure(res, what) {
  assert.ok(res.status === 200 || res.status === 503, `${what}: status ${res.status} ${JSON.stringify(res.body)}`);
  if (res.status === 503) {
    assert.equal(res.body.errcode, "M_UNKNOWN", what);
    assert.ok(isMatrixError(res.body), what);
  } else {
    assert.deepEqual(res.body, {}, what);
  }
}

describe("every Nth KV write fails", () => {
  // One sequence of 160 requests, checked request by request; the tests below read its results.
  const run = { failures: 0, partial: [], problems: [] };
  before(async () => {
    const names = ["@fa:localhost", "@fb:localhost", "@fc:localhost", "@fd:localhost"];
    const users = [];
    const userHashes = new Map();
    for (const name of names) {
      users.push(client(service, await service.mint(name)));
      userHashes.set(await hash(name), name);
    }
    // Few pushkeys, shared by all users, so that append: false displaces other holders.
    const pushkeys = ["k0", "k1", "k2"];
    let model = new Map(); // "owner|pushkey" -> v
    const rowsOf = (m) => [...m.entries()].map(([k, v]) => `${k}|${v}`).sort();
    let seed = 12345;
    const rand = (n) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    await service.chaos(["put", "delete"], 5);
    for (let i = 0; i < 160; i += 1) {
      const u = rand(names.length);
      const owner = names[u];
      const pushkey = pushkeys[rand(pushkeys.length)];
      const roll = rand(10);
      const next = new Map(model);
      let res;
      if (roll < 4) {
        res = await users[u].set(withAppend(pusherFor(owner, pushkey, i), false));
        for (const key of [...next.keys()]) if (key.endsWith(`|${pushkey}`)) next.delete(key);
        next.set(`${owner}|${pushkey}`, i);
      } else if (roll < 7) {
        res = await users[u].set(withAppend(pusherFor(owner, pushkey, i), true));
        next.set(`${owner}|${pushkey}`, i);
      } else {
        res = await users[u].remove(APP, pushkey);
        next.delete(`${owner}|${pushkey}`);
      }
      const what = `request ${i} (${roll < 4 ? "set append:false" : roll < 7 ? "set append:true" : "delete"} ${owner} ${pushkey})`;
      try {
        checkFailure(res, what);
      } catch (err) {
        run.problems.push(err.message);
      }
      const now = await state(userHashes);
      if (now.withoutIndex.length) run.problems.push(`${what}: records without index ${now.withoutIndex}`);
      if (res.status === 200) {
        if (JSON.stringify(now.rows) !== JSON.stringify(rowsOf(next)))
          run.problems.push(`${what}: 200 but the store holds ${now.rows}, not ${rowsOf(next)}`);
        model = next;
      } else {
        run.failures += 1;
        const pre = rowsOf(model);
        const post = rowsOf(next);
        if (JSON.stringify(now.rows) === JSON.stringify(post)) model = next;
        else if (JSON.stringify(now.rows) !== JSON.stringify(pre)) {
          run.partial.push({ what, pre, post, now: now.rows });
          // Carry on from what is stored, so that one partial write is reported once.
          model = new Map(
            now.rows.map((row) => {
              const [o, k, v] = row.split("|");
              return [`${o}|${k}`, Number(v)];
            }),
          );
        }
      }
    }
    await service.chaos([], 0);
    console.log(
      `faults (sequential): 160 requests, ${run.failures} answered 503, ${run.partial.length} left a partial state`,
    );
  });

  test("sequential: each failure is a 503 M_UNKNOWN, each success leaves exactly the model's state, every record keeps its index", () => {
    assert.ok(run.failures >= 20, `only ${run.failures} failures injected`);
    assert.deepEqual(run.problems, []);
  });

  test("sequential: a 503 leaves the store as it was before the request or as it would be after it", () => {
    assert.deepEqual(run.partial, [], "a 503 left a state that is neither before nor after the request");
  });

  test("minimal: a set with append: false whose write fails leaves the other user's pusher", async () => {
    const holder = client(service, await service.mint("@holder:localhost"));
    const taker = client(service, await service.mint("@taker:localhost"));
    assert.equal((await holder.set(pusherFor("@holder:localhost", "shared-min", 1))).status, 200);
    await service.chaos(["put"], 1);
    const res = await taker.set(withAppend(pusherFor("@taker:localhost", "shared-min", 2), false));
    await service.chaos([], 0);
    assert.equal(res.status, 503);
    assert.deepEqual((await taker.list()).body.pushers, [], "the failed set stored nothing");
    assert.deepEqual(
      (await holder.list()).body.pushers.map((p) => p.pushkey),
      ["shared-min"],
      "the failed set took the pusher away from its holder",
    );
  });

  test("64 concurrent clients: 503s only, and every stream ends in a state one of its requests asked for", async () => {
    const USERS = 16;
    const names = Array.from({ length: USERS }, (_, i) => `@fc${i}:localhost`);
    const userHashes = new Map();
    const users = [];
    for (const name of names) {
      users.push(client(service, await service.mint(name)));
      userHashes.set(await hash(name), name);
    }
    // Streams: (user, pushkey), each driven by one client; pushkeys are the user's own, or shared
    // with append: true, so that streams do not interact.
    const streams = [];
    for (let u = 0; u < USERS; u += 1) {
      for (const k of [`own-${u}-a`, `own-${u}-b`, "shared-a", "shared-b"])
        streams.push({ u, pushkey: k, allowed: new Set(["absent"]) });
    }
    let v = 0;
    let failures = 0;
    let seed = 777;
    const rand = (n) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    await service.chaos(["put", "delete"], 7);
    await Promise.all(
      Array.from({ length: 64 }, async (_, c) => {
        const mine = streams.filter((_, i) => i % 64 === c);
        for (let i = 0; i < 8; i += 1) {
          const s = mine[rand(mine.length)];
          let res;
          let target;
          if (rand(3) < 2) {
            v += 1;
            target = String(v);
            res = await users[s.u].set(
              withAppend(pusherFor(names[s.u], s.pushkey, v), s.pushkey.startsWith("shared") ? true : undefined),
            );
          } else {
            target = "absent";
            res = await users[s.u].remove(APP, s.pushkey);
          }
          checkFailure(res, `${names[s.u]} ${s.pushkey}`);
          if (res.status === 200) s.allowed = new Set([target]);
          else {
            failures += 1;
            s.allowed.add(target);
          }
        }
      }),
    );
    await service.chaos([], 0);
    const now = await state(userHashes);
    assert.deepEqual(now.withoutIndex, [], "records without index");
    const stored = new Map(
      now.rows.map((row) => {
        const [o, k, ver] = row.split("|");
        return [`${o}|${k}`, ver];
      }),
    );
    for (const s of streams) {
      const got = stored.get(`${names[s.u]}|${s.pushkey}`) ?? "absent";
      assert.ok(s.allowed.has(got), `${names[s.u]} ${s.pushkey}: stored ${got}, allowed ${[...s.allowed]}`);
    }
    console.log(`faults (concurrent): 512 requests from 64 clients, ${failures} answered 503, every stream consistent`);
    assert.ok(failures >= 20, `only ${failures} failures injected`);
  });
});
