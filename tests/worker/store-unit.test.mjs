// PusherStore (www/store.js) on its own, over an in-memory namespace that behaves like Workers KV
// (tests/lib/memory-kv.mjs) and fails the Nth operation on demand. Every request type is run
// once with each of its operations failing in turn: the request throws StoreError, the store
// holds either exactly what it held before or exactly what the request asked for (never a mix),
// no record is without its index entry, and the same request retried completes. This reaches
// every undo step, which the tests over HTTP reach only at a few points.

import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { isDeepStrictEqual as isDeepEqual } from "node:util";
import { hash, PusherLimitError, PusherStore, StoreError } from "../../www/store.js";
import { MemoryKV } from "../lib/memory-kv.mjs";
import { pusher } from "../lib/pusher.mjs";

const APP = "im.vector.app.android";
const LIMIT = 20;

const alice = { userId: "@alice:localhost", userHash: await hash("@alice:localhost") };
const bob = { userId: "@bob:localhost", userHash: await hash("@bob:localhost") };

/** A pusher and its stored JSON (the validator's output is compact JSON; so is this). */
function record(pushkey, device = "Pixel 8") {
  const body = pusher({ pushkey, device_display_name: device });
  return { body, json: JSON.stringify(body) };
}

/** What the store holds for the users: every record's value by key, and the index entries. */
function pushersIn(kv) {
  const records = {};
  const index = [];
  for (const [key, { value }] of kv.entries()) {
    if (key.startsWith("u:")) records[key] = value;
    if (key.startsWith("i:")) index.push(key);
  }
  return { records, index };
}

/** Records whose index entry is missing: the store's invariant says none. */
function withoutIndex(kv) {
  const { records, index } = pushersIn(kv);
  return Object.keys(records).filter((key) => {
    const [, user, pusherId] = key.split(":");
    return !index.includes(`i:${pusherId}:${user}`);
  });
}

function set(store, user, { body, json }, append) {
  return store.set(user, body, json, { append, maxPushers: LIMIT });
}

/**
 * The request types, each with what the store holds before it (`setup`, run without failures)
 * and the request itself.
 */
const REQUESTS = {
  "a new pusher, append: false": {
    setup: async () => {},
    run: (store) => set(store, alice, record("p1"), false),
  },
  "a new pusher, append: true, another user holding it": {
    setup: (store) => set(store, bob, record("p1"), false),
    run: (store) => set(store, alice, record("p1"), true),
  },
  "a replacement, append: false": {
    setup: (store) => set(store, alice, record("p1", "old"), false),
    run: (store) => set(store, alice, record("p1", "new"), false),
  },
  "a replacement, append: true": {
    setup: (store) => set(store, alice, record("p1", "old"), true),
    run: (store) => set(store, alice, record("p1", "new"), true),
  },
  "a new pusher displacing two other holders": {
    setup: async (store) => {
      await set(store, bob, record("p1", "bob's"), true);
      await set(
        store,
        { userId: "@carol:localhost", userHash: await hash("@carol:localhost") },
        record("p1", "carol's"),
        true,
      );
    },
    run: (store) => set(store, alice, record("p1", "alice's"), false),
  },
  "a replacement displacing a user who joined with append: true": {
    setup: async (store) => {
      await set(store, alice, record("p1", "old"), false);
      await set(store, bob, record("p1", "bob's"), true);
    },
    run: (store) => set(store, alice, record("p1", "new"), false),
  },
  "the same pusher again, append: false, after a user joined it": {
    setup: async (store) => {
      await set(store, alice, record("p1"), false);
      await set(store, bob, record("p1", "bob's"), true);
    },
    run: (store) => set(store, alice, record("p1"), false),
  },
  "a delete": {
    setup: (store) => set(store, alice, record("p1"), false),
    run: (store) => store.remove(alice, APP, "p1"),
  },
};

/** A namespace with the request's `setup` made, and the store over it at a fixed time. */
async function prepared(request) {
  const kv = new MemoryKV();
  let now = 1_000_000_000_000;
  const store = new PusherStore(kv, { now: () => now });
  await request.setup(store);
  // The request comes well after the setup (past any propagation window of its joins).
  now += 3_600_000;
  return { kv, store };
}

describe("PusherStore: each operation of each request failing in turn", () => {
  for (const [name, request] of Object.entries(REQUESTS)) {
    test(name, async () => {
      // What the request does when nothing fails: the state it asks for, and how many
      // operations it makes.
      const clean = await prepared(request);
      const before = pushersIn(clean.kv);
      clean.kv.resetCounts();
      await request.run(clean.store);
      const asked = pushersIn(clean.kv);
      const operations = clean.kv.operations();
      assert.ok(operations > 0, "the request makes KV operations");
      assert.notDeepEqual(asked.records, before.records, "the request changes the store");

      for (let n = 1; n <= operations; n++) {
        const { kv, store } = await prepared(request);
        kv.failAt(n);
        await assert.rejects(request.run(store), StoreError, `operation ${n} of ${operations} failing`);
        const left = pushersIn(kv).records;
        assert.ok(
          isDeepEqual(left, before.records) || isDeepEqual(left, asked.records),
          `operation ${n} of ${operations} failing left a mix:\n${JSON.stringify(left, null, 1)}`,
        );
        assert.deepEqual(withoutIndex(kv), [], `a record without its index entry after operation ${n} failed`);

        kv.failAt(0);
        await request.run(store);
        assert.deepEqual(pushersIn(kv).records, asked.records, `the retry after operation ${n} failed completes`);
        assert.deepEqual(withoutIndex(kv), []);
      }
    });
  }
});

describe("PusherStore: the count limit", () => {
  test("a new pusher past the limit throws PusherLimitError and writes nothing", async () => {
    const kv = new MemoryKV();
    const store = new PusherStore(kv);
    for (let i = 0; i < LIMIT; i++) await set(store, alice, record(`p${i}`), true);
    const before = pushersIn(kv);
    await assert.rejects(set(store, alice, record("one-too-many"), true), PusherLimitError);
    assert.deepEqual(pushersIn(kv), before);
  });

  test("a replacement at the limit is no new pusher", async () => {
    const kv = new MemoryKV();
    const store = new PusherStore(kv);
    for (let i = 0; i < LIMIT; i++) await set(store, alice, record(`p${i}`), true);
    await set(store, alice, record("p0", "renamed"), false);
    const { pushers } = JSON.parse(await store.listJson(alice));
    assert.equal(pushers.length, LIMIT);
    assert.equal(pushers.find((p) => p.pushkey === "p0").device_display_name, "renamed");
  });
});
