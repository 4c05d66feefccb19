// What the service stores: per-user isolation, append both ways, replace-not-merge, idempotent
// delete, restart persistence, KV failures leaving a consistent state, and the KV budget.

import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readdir, readFile, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { hash, PROPAGATION_MS, PusherStore, pusherHash } from "../../www/store.js";
import { countingKv } from "../lib/counting-kv.mjs";
import { client, pusher, snapshot, startService, tempDir } from "../lib/service.mjs";
import { KV_BUDGET, readmeBudget } from "./kv-budget.mjs";

const statusAndBody = ({ status, body }) => [status, body];

let service;
let alice;
let bob;
before(async () => {
  service = await startService();
  alice = client(service, await service.mint("@alice:localhost"));
  bob = client(service, await service.mint("@bob:localhost"));
});
after(() => service?.dispose());

/** The caller's stored pushers, checked to be a 200. */
async function pushersOf(user) {
  const { status, body } = await user.list();
  assert.equal(status, 200);
  return body.pushers;
}

async function clear(...users) {
  for (const user of users) {
    for (const p of await pushersOf(user)) assert.equal((await user.remove(p.app_id, p.pushkey)).status, 200);
  }
}

describe("one user's pushers", () => {
  test("lists exactly the normalized pusher that was set", async () => {
    await clear(alice);
    const body = pusher({
      lang: "en_us",
      pushkey: "norm",
      data: { url: "HTTPS://Push.Example.org:443/_matrix/push/v1/notify", brand: "x" },
    });
    assert.deepEqual(statusAndBody(await alice.set(body)), [200, {}]);
    assert.deepEqual(await pushersOf(alice), [
      {
        kind: "http",
        app_id: "im.vector.app.android",
        pushkey: "norm",
        app_display_name: "Element",
        device_display_name: "Pixel 8",
        lang: "en-US",
        data: { url: "https://push.example.org/_matrix/push/v1/notify", brand: "x" },
      },
    ]);
  });

  test("replaces the whole record: nothing of the old one is merged in", async () => {
    await clear(alice);
    await alice.set(
      pusher({
        pushkey: "r",
        profile_tag: "tag1",
        data: { url: pusher().data.url, format: "event_id_only", extra: 1 },
      }),
    );
    const replacement = pusher({ pushkey: "r", device_display_name: "New", data: { url: pusher().data.url } });
    assert.equal((await alice.set(replacement)).status, 200);
    const stored = await pushersOf(alice);
    assert.equal(stored.length, 1);
    assert.deepEqual(stored[0], replacement);
    assert.equal("profile_tag" in stored[0], false);
  });

  test("keeps the digits of a big number in data exactly as sent", async () => {
    await clear(alice);
    const raw = `{"kind":"http","app_id":"a.b","pushkey":"big","app_display_name":"A","device_display_name":"D","lang":"en","data":{"url":"https://push.example.org/_matrix/push/v1/notify","n":12345678901234567890123}}`;
    assert.equal((await alice.set(raw)).status, 200);
    const text = await (
      await service.fetch("/_matrix/client/v3/pushers", {
        headers: { Authorization: `Bearer ${await service.mint("@alice:localhost")}` },
      })
    ).text();
    assert.ok(text.includes('"n":12345678901234567890123}'), text);
  });

  test("a pusher too large for KV metadata is still listed", async () => {
    await clear(alice);
    const body = pusher({
      pushkey: "large",
      data: { url: pusher().data.url, default_payload: { blob: "x".repeat(2000) } },
    });
    assert.equal((await alice.set(body)).status, 200);
    const small = pusher({ pushkey: "small" });
    assert.equal((await alice.set(small)).status, 200);
    const stored = await pushersOf(alice);
    assert.deepEqual(
      stored.sort((a, b) => a.pushkey.localeCompare(b.pushkey)),
      [body, small],
    );
  });

  test("deleting a pusher that does not exist is 200 {}", async () => {
    assert.deepEqual(statusAndBody(await alice.remove("im.vector.app.android", "never-set")), [200, {}]);
    assert.deepEqual(statusAndBody(await alice.remove("im.vector.app.android", "never-set")), [200, {}]);
  });

  test("a delete echoing the whole stored pusher with kind null removes it", async () => {
    await clear(alice);
    const body = pusher({ pushkey: "echo" });
    await alice.set(body);
    assert.equal((await alice.set({ ...body, kind: null })).status, 200);
    assert.deepEqual(await pushersOf(alice), []);
  });
});

describe("isolation between users", () => {
  test("a user lists only their own pushers", async () => {
    await clear(alice, bob);
    await alice.set(pusher({ pushkey: "alice-only" }));
    await bob.set(pusher({ pushkey: "bob-only", append: true }));
    assert.deepEqual(
      (await pushersOf(alice)).map((p) => p.pushkey),
      ["alice-only"],
    );
    assert.deepEqual(
      (await pushersOf(bob)).map((p) => p.pushkey),
      ["bob-only"],
    );
  });

  test("a user cannot delete another user's pusher", async () => {
    await clear(alice, bob);
    await alice.set(pusher({ pushkey: "mine" }));
    assert.deepEqual(statusAndBody(await bob.remove("im.vector.app.android", "mine")), [200, {}]);
    assert.deepEqual(
      (await pushersOf(alice)).map((p) => p.pushkey),
      ["mine"],
    );
  });
});

describe("append", () => {
  test("append: true leaves the same pushkey with other users", async () => {
    await clear(alice, bob);
    await alice.set(pusher({ pushkey: "shared" }));
    assert.equal((await bob.set(pusher({ pushkey: "shared", append: true }))).status, 200);
    assert.equal((await pushersOf(alice)).length, 1);
    assert.equal((await pushersOf(bob)).length, 1);
  });

  for (const append of [false, null, undefined]) {
    test(`append: ${append} takes the pushkey away from other users`, async () => {
      await clear(alice, bob);
      await alice.set(pusher({ pushkey: "taken" }));
      await alice.set(pusher({ pushkey: "kept" }));
      await alice.set(pusher({ pushkey: "taken", app_id: "other.app" }));
      const body = pusher({ pushkey: "taken" });
      if (append !== undefined) body.append = append;
      assert.equal((await bob.set(body)).status, 200);
      assert.deepEqual((await pushersOf(alice)).map((p) => `${p.app_id} ${p.pushkey}`).sort(), [
        "im.vector.app.android kept",
        "other.app taken",
      ]);
      assert.deepEqual(
        (await pushersOf(bob)).map((p) => p.pushkey),
        ["taken"],
      );
      assert.deepEqual((await snapshot(service.kv)).withoutIndex, []);
    });
  }

  test("append: false keeps the caller's own other pushers and replaces its own", async () => {
    await clear(alice);
    await alice.set(pusher({ pushkey: "a" }));
    await alice.set(pusher({ pushkey: "b", device_display_name: "old" }));
    await alice.set(pusher({ pushkey: "b", device_display_name: "new", append: false }));
    const stored = await pushersOf(alice);
    assert.deepEqual(stored.map((p) => `${p.pushkey} ${p.device_display_name}`).sort(), ["a Pixel 8", "b new"]);
  });

  test("a rejected append: false request removes nothing", async () => {
    await clear(alice, bob);
    await alice.set(pusher({ pushkey: "victim" }));
    const before = await snapshot(service.kv);
    for (const bad of [
      { ...pusher({ pushkey: "victim" }), data: { url: "http://push.example.org/_matrix/push/v1/notify" } },
      { ...pusher({ pushkey: "victim" }), lang: "not a tag!" },
      { ...pusher({ pushkey: "victim" }), kind: "email", app_id: "m.email" },
      { ...pusher({ pushkey: "victim" }), append: "yes" },
    ]) {
      const response = await bob.set(bad);
      assert.equal(response.status, 400, JSON.stringify(bad));
    }
    assert.deepEqual(
      (await pushersOf(alice)).map((p) => p.pushkey),
      ["victim"],
    );
    assert.deepEqual(await snapshot(service.kv), before);
  });
});

describe("restart", () => {
  test("a new Miniflare on the same directory keeps every pusher and token", async () => {
    const dir = await tempDir("restart");
    try {
      const first = await startService({ persistDir: dir });
      const token = await first.mint("@dana:localhost");
      const dana = client(first, token);
      await dana.set(pusher({ pushkey: "p1" }));
      await dana.set(pusher({ pushkey: "p2", app_id: "org.example.app" }));
      const listed = (await dana.list()).body;
      await first.dispose();

      const second = await startService({ persistDir: dir });
      try {
        const again = client(second, token);
        assert.deepEqual((await again.list()).body, listed);
        assert.equal(listed.pushers.length, 2);
      } finally {
        await second.dispose();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe("KV failures", () => {
  /** Runs `request` with the n-th write (put or delete) and every later one failing. */
  async function failingAt(n, request) {
    await service.failKv(["put", "delete"], n);
    try {
      return await request();
    } finally {
      await service.resetKv();
    }
  }

  test("a failing set of a new pusher answers 503, loses no pusher, and a retry completes it", async () => {
    await clear(alice, bob);
    await bob.set(pusher({ pushkey: "bobs", append: true }));
    const bobsBefore = await pushersOf(bob);
    // Bob takes "contested" with append: false: his index entry and record (2 puts), then the
    // 2 deletes of Alice's copy.
    for (let n = 0; n < 4; n += 1) {
      assert.equal((await alice.set(pusher({ pushkey: "contested", append: true }))).status, 200);
      const alicesBefore = await pushersOf(alice);
      const response = await failingAt(n, () =>
        bob.set(pusher({ pushkey: "contested", device_display_name: "bob's" })),
      );
      assert.equal(response.status, 503, `failing write ${n}`);
      assert.equal(response.body.errcode, "M_UNKNOWN");
      if (n < 2) {
        // Nothing committed: both users' pushers are as they were.
        assert.deepEqual(await pushersOf(bob), bobsBefore, `bob's pushers after failing write ${n}`);
        assert.deepEqual(await pushersOf(alice), alicesBefore, `alice's pushers after failing write ${n}`);
      } else {
        // Bob's pusher is stored; Alice's may still be there until the retry: nothing is lost.
        assert.deepEqual((await pushersOf(bob)).map((p) => p.pushkey).sort(), ["bobs", "contested"]);
      }
      assert.deepEqual((await snapshot(service.kv)).withoutIndex, [], `invariant after failing write ${n}`);
      // Healed, the same request completes, and only Bob holds the pusher.
      assert.equal((await bob.set(pusher({ pushkey: "contested", device_display_name: "bob's" }))).status, 200);
      assert.deepEqual(
        (await pushersOf(alice)).map((p) => p.pushkey),
        [],
      );
      assert.deepEqual((await pushersOf(bob)).map((p) => p.pushkey).sort(), ["bobs", "contested"]);
      assert.equal((await bob.remove("im.vector.app.android", "contested")).status, 200);
    }
  });

  test("a failing replacement keeps the old record whole", async () => {
    await clear(alice);
    const old = pusher({ pushkey: "rep", device_display_name: "old" });
    await alice.set(old);
    // A replacement is one write (the index entry is already there): fail it.
    for (let n = 0; n < 1; n += 1) {
      const response = await failingAt(n, () => alice.set(pusher({ pushkey: "rep", device_display_name: "new" })));
      assert.equal(response.status, 503);
      assert.deepEqual(await pushersOf(alice), [old]);
    }
  });

  test("a failing delete answers 503, and the retry finishes it", async () => {
    await clear(alice);
    await alice.set(pusher({ pushkey: "del" }));
    for (let n = 0; n < 2; n += 1) {
      const response = await failingAt(n, () => alice.remove("im.vector.app.android", "del"));
      assert.equal(response.status, 503);
      assert.equal(response.body.errcode, "M_UNKNOWN");
      assert.deepEqual((await snapshot(service.kv)).withoutIndex, []);
    }
    assert.equal((await alice.remove("im.vector.app.android", "del")).status, 200);
    assert.deepEqual(await pushersOf(alice), []);
    // (Entries another test's failures left for other pushers are not this delete's to remove.)
    const pusherId = await pusherHash("im.vector.app.android", "del");
    assert.deepEqual(
      (await snapshot(service.kv)).dangling.filter((key) => key.startsWith(`i:${pusherId}:`)),
      [],
    );
  });

  test("failing reads and lists answer 503 M_UNKNOWN", async () => {
    await service.failKv(["list"]);
    try {
      const listed = await alice.list();
      assert.equal(listed.status, 503);
      assert.equal(listed.body.errcode, "M_UNKNOWN");
      assert.equal((await alice.set(pusher({ pushkey: "nolist" }))).status, 503);
    } finally {
      await service.resetKv();
    }
    await service.failKv(["get"]);
    try {
      const stranger = client(service, "a-token-nobody-has-seen");
      const response = await stranger.list();
      assert.equal(response.status, 503);
      assert.equal(response.body.errcode, "M_UNKNOWN");
    } finally {
      await service.resetKv();
    }
  });
});

describe("KV budget (tests/worker/kv-budget.mjs, exactly)", () => {
  /** KV operations made by one request, token already cached unless `firstUse`. */
  async function opsOf(request) {
    await service.resetKv();
    const response = await request();
    assert.equal(response.status, 200, JSON.stringify(response.body));
    const { get, put, delete: del, list } = await service.kvCounts();
    return { get, list, put, delete: del };
  }
  const budget = (type) => {
    const { what, ...counts } = KV_BUDGET[type];
    return counts;
  };
  const sum = (a, b) => Object.fromEntries(Object.keys(a).map((k) => [k, a[k] + b[k]]));
  // One pusher in three spellings that normalize to the same stored JSON.
  const spelled = (pushkey, spelling) =>
    [
      pusher({ pushkey, lang: "en-US" }),
      pusher({
        pushkey,
        lang: "en_us",
        data: { url: "HTTPS://Push.Example.org:443/_matrix/push/v1/notify", format: "event_id_only" },
        append: null,
      }),
      pusher({ pushkey, lang: "EN-us", append: false }),
    ][spelling];

  test("each request type makes exactly the operations of the table", async () => {
    await clear(alice, bob);
    await alice.list();
    await bob.list();
    assert.deepEqual(await opsOf(() => alice.set(spelled("b-main", 0))), budget("new"));
    for (const spelling of [1, 2, 0]) {
      assert.deepEqual(
        await opsOf(() => alice.set(spelled("b-main", spelling))),
        budget("unchanged"),
        `spelling ${spelling}`,
      );
    }
    assert.deepEqual(
      await opsOf(() => alice.set(pusher({ pushkey: "b-main", lang: "en-US", device_display_name: "Renamed" }))),
      budget("replacement"),
    );
    assert.deepEqual(
      await opsOf(() =>
        alice.set(pusher({ pushkey: "b-main", lang: "en-US", device_display_name: "Renamed", append: true })),
      ),
      budget("unchanged_append_true"),
    );
    assert.deepEqual(
      await opsOf(() => alice.set(pusher({ pushkey: "b-main", lang: "en-US", append: true }))),
      budget("replacement_append_true"),
    );
    // Bob joins Alice's pusher with append: true; Alice's next append: false set removes him.
    assert.deepEqual(
      await opsOf(() => bob.set(pusher({ pushkey: "b-main", append: true }))),
      budget("new_append_true"),
    );
    assert.equal((await pushersOf(bob)).length, 1);
    assert.deepEqual(await opsOf(() => alice.set(spelled("b-main", 1))), budget("unchanged_after_join"));
    assert.deepEqual(await pushersOf(bob), []);
    // Within the window of that join, Alice's sets list again; none writes.
    assert.deepEqual(await opsOf(() => alice.set(spelled("b-main", 2))), budget("unchanged_within_window"));
    // Bob takes a pusher Alice holds as a new one of his: both lists, and Alice's copy removed.
    await alice.set(pusher({ pushkey: "b-taken" }));
    assert.deepEqual(await opsOf(() => bob.set(pusher({ pushkey: "b-taken" }))), budget("displacing"));
    assert.deepEqual(
      (await pushersOf(alice)).map((p) => p.pushkey),
      ["b-main"],
    );
    assert.deepEqual(await opsOf(() => bob.set(pusher({ pushkey: "b-taken" }))), budget("unchanged"));
    assert.deepEqual(await opsOf(() => alice.remove("im.vector.app.android", "b-main")), budget("delete"));
    assert.deepEqual(await opsOf(() => alice.remove("im.vector.app.android", "b-main")), budget("delete"));
    await alice.set(pusher({ pushkey: "one" }));
    await alice.set(pusher({ pushkey: "two" }));
    assert.deepEqual(await opsOf(() => alice.list()), budget("list"));
    const carol = client(service, await service.mint("@carol:localhost"));
    assert.deepEqual(await opsOf(() => carol.list()), sum(budget("list"), budget("token_first_use")));
    assert.deepEqual((await snapshot(service.kv)).withoutIndex, []);
  });

  test("a sweep made PROPAGATION_MS after a join is stamped once; after it the same pusher is two reads again", async () => {
    // The store module itself on the service's KV namespace, with a clock the test moves.
    const { kv, counts } = countingKv(service.kv);
    let now = Date.now();
    const store = new PusherStore(kv, { now: () => now });
    const holder = { userHash: await hash("@window-a:localhost") };
    const joiner = { userHash: await hash("@window-b:localhost") };
    const p = pusher({ pushkey: "window" });
    const json = JSON.stringify(p);
    const ops = async (user, append) => {
      for (const k of ["get", "list", "put", "delete"]) counts[k] = 0;
      await store.set(user, p, json, { append, maxPushers: 20 });
      return { get: counts.get, list: counts.list, put: counts.put, delete: counts.delete };
    };
    assert.deepEqual(await ops(holder, false), budget("new"));
    now += 1000;
    assert.deepEqual(await ops(joiner, true), budget("new_append_true"));
    now += 1000;
    assert.deepEqual(await ops(holder, false), budget("unchanged_after_join"));
    now += PROPAGATION_MS - 5000;
    assert.deepEqual(await ops(holder, false), budget("unchanged_within_window"));
    now += 10_000;
    assert.deepEqual(await ops(holder, false), budget("unchanged_settling"));
    now += 1000;
    assert.deepEqual(await ops(holder, false), budget("unchanged"));
    assert.deepEqual(
      JSON.parse(await service.kv.get(`u:${holder.userHash}:${await pusherHash(p.app_id, p.pushkey)}`)),
      p,
    );
  });

  test("www/README.md's operations table is this table", async () => {
    const readme = readmeBudget(await readFile(new URL("../../www/README.md", import.meta.url), "utf8"));
    assert.deepEqual(readme, Object.fromEntries(Object.keys(KV_BUDGET).map((type) => [type, budget(type)])));
  });

  test("an unchanged set leaves the persisted store byte for byte as it was", async () => {
    const dir = await tempDir("untouched");
    try {
      const own = await startService({ persistDir: dir, wrapped: false });
      try {
        const dana = client(own, await own.mint("@dana:localhost"));
        assert.equal((await dana.set(spelled("disk", 0))).status, 200);
        const before = await treeState(join(dir, "kv"));
        const contents = await dump(own.kv);
        for (const spelling of [1, 2, 0, 1])
          assert.deepEqual(statusAndBody(await dana.set(spelled("disk", spelling))), [200, {}]);
        assert.deepEqual(await treeState(join(dir, "kv")), before);
        assert.deepEqual(await dump(own.kv), contents);
        assert.equal((await dana.set(pusher({ pushkey: "disk", device_display_name: "Changed" }))).status, 200);
        assert.notDeepEqual(await treeState(join(dir, "kv")), before, "the check sees a write");
      } finally {
        await own.dispose();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test("keys are hashed and within KV's 512-byte limit, whatever the pushkey", async () => {
    await clear(alice);
    const longKey = "é".repeat(256); // 512 bytes of UTF-8, the longest pushkey
    assert.equal((await alice.set(pusher({ pushkey: longKey, app_id: "a".repeat(64), append: true }))).status, 200);
    const { records, index } = await snapshot(service.kv);
    for (const key of [...records.keys(), ...index]) {
      assert.match(key, /^[ui]:[A-Za-z0-9_-]{43}:[A-Za-z0-9_-]{43}$/);
      assert.ok(Buffer.byteLength(key) <= 512);
    }
    const { keys } = await service.kv.list({ prefix: "j:" });
    assert.ok(keys.length >= 1);
    for (const { name } of keys) assert.match(name, /^j:[A-Za-z0-9_-]{43}$/);
  });
});

/**
 * Every file under `dir`: size, modification time and SHA-256 of its content. The content of
 * SQLite's shared-memory WAL index (`*-shm`) is left out: it is not data but where readers mark
 * which commit they read, so the first read after a write changes it (its size and time stay).
 */
async function treeState(dir) {
  const state = {};
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath ?? entry.path, entry.name);
    const [info, bytes] = await Promise.all([stat(path), readFile(path)]);
    const digest = path.endsWith("-shm") ? "" : createHash("sha256").update(bytes).digest("hex");
    state[path] = `${info.size} ${info.mtimeMs} ${digest}`;
  }
  return state;
}

/** Every key of a namespace with its value, metadata and expiry. */
async function dump(kv) {
  const { keys } = await kv.list();
  return Promise.all(
    keys.map(async ({ name, expiration }) => ({ name, expiration, ...(await kv.getWithMetadata(name, "text")) })),
  );
}
