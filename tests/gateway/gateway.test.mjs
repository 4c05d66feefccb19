// Gateway mode in front of a real Synapse (one per file, on a free loopback port), seen through a
// counting proxy: what reaches the homeserver, what never does, and what the client is told.
// The pushers are read from Synapse directly to prove what arrived.

import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createECDH, randomBytes } from "node:crypto";
import { rm } from "node:fs/promises";
import http from "node:http";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { createClient } from "matrix-js-sdk";
import { tempDir } from "../lib/service.mjs";
import {
  countingProxy,
  freePort,
  PUSHERS_PATH,
  pusher,
  rawRequest,
  SET_PATH,
  startGateway,
  startHomeserver,
  WHOAMI_PATH,
} from "./harness.mjs";

let hs;
let proxy;
let gw;
let users = 0;

before(async () => {
  hs = await startHomeserver();
  proxy = await countingProxy(hs.port);
  gw = await startGateway(proxy.url);
});
after(async () => {
  await gw?.dispose();
  await proxy?.close();
  await hs?.stop();
});

/** A new Synapse user with a token of its own (logged in straight at Synapse). */
async function newUser() {
  const name = `user${++users}`;
  const account = await hs.register(name);
  return { name, ...account };
}

async function post(service, token, body, path = SET_PATH) {
  const response = await service.fetch(path, {
    method: "POST",
    headers: { ...(token ? { Authorization: `Bearer ${token}` } : {}), "Content-Type": "application/json" },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: JSON.parse(text), text, headers: response.headers };
}

/** The caller's pushers as Synapse itself lists them (past the gateway). */
async function storedAtSynapse(token) {
  const { status, body } = await hs.call("GET", PUSHERS_PATH, token);
  assert.equal(status, 200);
  return body.pushers;
}

describe("a real client through the gateway", () => {
  test("matrix-js-sdk logs in with a password, sets, lists and removes a pusher", async () => {
    const account = await newUser();
    proxy.reset();
    const guest = createClient({ baseUrl: gw.url });
    const login = await guest.loginRequest({
      type: "m.login.password",
      identifier: { type: "m.id.user", user: account.name },
      password: account.password,
    });
    guest.stopClient();
    assert.equal(login.user_id, account.userId);
    assert.equal(proxy.seen("/_matrix/client/v3/login").length, 1, "the login went to Synapse");

    const sdk = createClient({ baseUrl: gw.url, accessToken: login.access_token, userId: login.user_id });
    const body = pusher({ pushkey: "sdk-key", lang: "en_GB", app_id: "io.element.matrix" });
    assert.deepEqual(await sdk.setPusher(body), {});
    const { pushers } = await sdk.getPushers();
    assert.deepEqual(
      pushers.map((p) => [p.app_id, p.pushkey, p.lang, p.data.url]),
      [["io.element.matrix", "sdk-key", "en-GB", body.data.url]],
    );
    const listed = await (
      await gw.fetch(PUSHERS_PATH, { headers: { Authorization: `Bearer ${login.access_token}` } })
    ).json();
    assert.deepEqual(listed.pushers, await storedAtSynapse(login.access_token), "listed through the gateway as stored");

    assert.deepEqual(await sdk.removePusher("sdk-key", "io.element.matrix"), {});
    assert.deepEqual(await storedAtSynapse(login.access_token), []);
    assert.deepEqual(
      proxy.seen(SET_PATH).map((r) => JSON.parse(r.body).kind),
      ["http", null],
      "the set and the delete were forwarded",
    );
    sdk.stopClient();
  });

  test("every other path and method is relayed: versions, profile PUT and GET, sync, unknown paths", async () => {
    const user = await newUser();
    const through = await (await gw.fetch("/_matrix/client/versions")).json();
    assert.deepEqual(through, (await hs.call("GET", "/_matrix/client/versions")).body);

    const profile = `/_matrix/client/v3/profile/${encodeURIComponent(user.userId)}/displayname`;
    const put = await gw.fetch(profile, {
      method: "PUT",
      headers: { Authorization: `Bearer ${user.accessToken}`, "Content-Type": "application/json" },
      body: JSON.stringify({ displayname: "Through the gateway" }),
    });
    assert.equal(put.status, 200);
    assert.equal((await hs.call("GET", profile)).body.displayname, "Through the gateway");

    const sync = await gw.fetch("/_matrix/client/v3/sync?timeout=0", {
      headers: { Authorization: `Bearer ${user.accessToken}` },
    });
    assert.equal(sync.status, 200);
    assert.equal(typeof (await sync.json()).next_batch, "string");

    const missing = await gw.fetch("/_matrix/client/v3/no-such-endpoint");
    const direct = await hs.call("GET", "/_matrix/client/v3/no-such-endpoint");
    assert.equal(missing.status, direct.status);
    assert.deepEqual(await missing.json(), direct.body);
  });

  test("end-to-end headers are forwarded, hop-by-hop ones are not", async () => {
    proxy.reset();
    const port = new URL(gw.url).port;
    const raw = await rawRequest(
      port,
      "GET /_matrix/client/versions HTTP/1.1\r\nHost: gw\r\nConnection: close, X-Drop\r\nX-Drop: 1\r\nX-Keep: 2\r\n\r\n",
    );
    assert.equal(raw.status, 200);
    const [seen] = proxy.seen("/_matrix/client/versions");
    assert.equal(seen.headers["x-keep"], "2");
    assert.equal(seen.headers["x-drop"], undefined);
  });
});

describe("what reaches Synapse", () => {
  test("an accepted set arrives normalized: lang case, URL scheme and host case, default port", async () => {
    const user = await newUser();
    proxy.reset();
    const sent = {
      kind: "http",
      app_id: "com.example.app",
      pushkey: "norm-1",
      app_display_name: "App",
      device_display_name: "Phone",
      lang: "zh_hant_TW",
      profile_tag: null,
      data: { url: "HTTPS://Push.Example.ORG:443/_matrix/push/v1/notify?route=a", format: "event_id_only" },
      append: null,
      unknown_member: true,
    };
    const answer = await post(gw, user.accessToken, sent);
    assert.deepEqual([answer.status, answer.body], [200, {}]);

    const [forwarded] = proxy.seen(SET_PATH);
    assert.equal(
      forwarded.body,
      '{"kind":"http","app_id":"com.example.app","pushkey":"norm-1","app_display_name":"App",' +
        '"device_display_name":"Phone","lang":"zh-Hant-TW",' +
        '"data":{"url":"https://push.example.org/_matrix/push/v1/notify?route=a","format":"event_id_only"},' +
        '"append":false}',
    );
    assert.equal(forwarded.headers.authorization, `Bearer ${user.accessToken}`);

    const [stored] = await storedAtSynapse(user.accessToken);
    assert.equal(stored.lang, "zh-Hant-TW");
    assert.equal(stored.data.url, "https://push.example.org/_matrix/push/v1/notify?route=a");
    assert.equal(stored.unknown_member, undefined);

    // A non-default port stays.
    await post(
      gw,
      user.accessToken,
      pusher({ pushkey: "norm-2", data: { url: "https://push.example.org:8443/_matrix/push/v1/notify" } }),
    );
    const urls = (await storedAtSynapse(user.accessToken)).map((p) => p.data.url).sort();
    assert.deepEqual(urls, [
      "https://push.example.org/_matrix/push/v1/notify?route=a",
      "https://push.example.org:8443/_matrix/push/v1/notify",
    ]);
  });

  // Each class the validator refuses: never forwarded. The same body sent to Synapse directly
  // shows what the homeserver alone would have done with it.
  const refused = [
    [
      "gateway URL on loopback",
      pusher({ pushkey: "r-loop", data: { url: "https://127.0.0.1/_matrix/push/v1/notify" } }),
      "M_INVALID_PARAM",
      "/data/url",
    ],
    [
      "ftp gateway URL",
      pusher({ pushkey: "r-ftp", data: { url: "ftp://push.example.org/_matrix/push/v1/notify" } }),
      "M_INVALID_PARAM",
      "/data/url",
    ],
    [
      "IPv4 in a browser's numeric form",
      pusher({ pushkey: "r-num", data: { url: "https://2130706433/_matrix/push/v1/notify" } }),
      "M_INVALID_PARAM",
      "/data/url",
    ],
    [
      "gateway path with a trailing slash",
      pusher({ pushkey: "r-slash", data: { url: "https://push.example.org/_matrix/push/v1/notify/" } }),
      "M_INVALID_PARAM",
      "/data/url",
    ],
    ["600-byte pushkey", pusher({ pushkey: "k".repeat(600) }), "M_INVALID_PARAM", "/pushkey"],
    ["65-character app_id", pusher({ pushkey: "r-app", app_id: `a.${"b".repeat(63)}` }), "M_INVALID_PARAM", "/app_id"],
    ["unknown kind", pusher({ pushkey: "r-kind", kind: "fcm" }), "M_INVALID_PARAM", "/kind"],
    ["webpush while KINDS leaves it out", pusher({ pushkey: "r-wp", kind: "webpush" }), "M_INVALID_PARAM", "/kind"],
    ["malformed lang", pusher({ pushkey: "r-lang", lang: "english please" }), "M_INVALID_PARAM", "/lang"],
    ["data not an object", pusher({ pushkey: "r-data", data: 5 }), "M_BAD_JSON", "/data"],
    [
      "app_display_name null",
      pusher({ pushkey: "r-null", app_display_name: null }),
      "M_MISSING_PARAM",
      "/app_display_name",
    ],
    ["missing lang", (({ lang, ...rest }) => ({ ...rest, pushkey: "r-nolang" }))(pusher()), "M_MISSING_PARAM", "/lang"],
    ["duplicate member", '{"kind":"http","kind":"http"}', "M_BAD_JSON", "/kind"],
    ["not JSON", '{"kind": "http",', "M_NOT_JSON", ""],
  ];

  test("a refused body gets our 400 with every problem and never reaches Synapse", async (t) => {
    const user = await newUser();
    // Warm the identity cache so that the only upstream request a set could make is the set.
    assert.equal((await post(gw, user.accessToken, pusher({ pushkey: "warm" }))).status, 200);
    proxy.reset();
    for (const [name, body, errcode, path] of refused) {
      const answer = await post(gw, user.accessToken, body);
      assert.equal(answer.status, 400, name);
      assert.equal(answer.body.errcode, errcode, name);
      assert.ok(
        answer.body.errors.some((p) => p.errcode === errcode && p.path === path),
        `${name}: ${answer.text}`,
      );
      assert.equal(answer.headers.get("access-control-allow-origin"), "*");
    }
    assert.deepEqual(proxy.requests, [], "nothing reached Synapse");
    assert.deepEqual(
      (await storedAtSynapse(user.accessToken)).map((p) => p.pushkey),
      ["warm"],
    );

    // What Synapse alone does with the same bodies (another user, straight to Synapse).
    const other = await newUser();
    const table = [];
    for (const [name, body] of refused) {
      const direct = await hs.call("POST", SET_PATH, other.accessToken, body);
      table.push({ name, status: direct.status, errcode: direct.body?.errcode ?? null });
    }
    const kept = (await storedAtSynapse(other.accessToken)).map((p) => p.pushkey);
    for (const row of table) t.diagnostic(`synapse alone: ${row.name}: ${row.status} ${row.errcode ?? ""}`);
    t.diagnostic(
      `synapse alone stored: ${kept.map((k) => (k.length > 20 ? `${k.slice(0, 8)}… (${k.length} bytes)` : k)).join(", ")}`,
    );
    // The reason for the gateway: Synapse alone stores pushers this gateway refuses.
    assert.ok(kept.includes("r-loop"), "Synapse stores a loopback gateway URL");
    assert.ok(kept.includes("k".repeat(600)), "Synapse stores a 600-byte pushkey");
  });

  test("an e-mail pusher is forwarded: Synapse's M_THREEPID_NOT_FOUND is relayed as it is", async () => {
    const user = await newUser();
    const body = pusher({ kind: "email", app_id: "m.email", pushkey: "nobody@example.org", data: {} });
    await post(gw, user.accessToken, pusher({ pushkey: "warm" }));
    proxy.reset();
    const through = await post(gw, user.accessToken, body);
    const direct = await hs.call("POST", SET_PATH, user.accessToken, body);
    assert.equal(through.status, 400);
    assert.equal(through.body.errcode, "M_THREEPID_NOT_FOUND");
    assert.deepEqual([through.status, through.body], [direct.status, direct.body]);
    assert.deepEqual(
      proxy.seen(SET_PATH).map((r) => JSON.parse(r.body).kind),
      ["email"],
    );
  });

  test("a 10 MB body is a 413 at the edge, declared or streamed, and is never forwarded", async () => {
    const user = await newUser();
    await post(gw, user.accessToken, pusher({ pushkey: "warm" }));
    proxy.reset();
    const size = 10 * 1024 * 1024;
    const url = new URL(gw.url);
    // Sends the head and at most `upTo` bytes of the body, then waits for the answer (a server
    // that read bodies whole would wait for the rest and never answer).
    const send = (chunked, upTo) =>
      new Promise((resolve, reject) => {
        const request = http.request({
          host: url.hostname,
          port: url.port,
          path: SET_PATH,
          method: "POST",
          headers: {
            Authorization: `Bearer ${user.accessToken}`,
            ...(chunked ? {} : { "Content-Length": String(size) }),
          },
        });
        const timer = setTimeout(() => {
          request.destroy();
          reject(new Error("no answer in 30 s"));
        }, 30_000);
        request.on("response", (response) => {
          let text = "";
          response.on("data", (chunk) => (text += chunk));
          response.on("end", () => {
            clearTimeout(timer);
            request.destroy();
            resolve({ status: response.statusCode, body: JSON.parse(text) });
          });
        });
        request.on("error", (err) => {
          clearTimeout(timer);
          reject(err);
        });
        request.flushHeaders();
        const chunk = Buffer.alloc(64 * 1024, 0x20);
        for (let sent = 0; sent < upTo; sent += chunk.length) request.write(chunk);
      });
    for (const [label, answer] of [
      ["declared", await send(false, 0)],
      ["streamed", await send(true, 2 * 1024 * 1024)],
    ]) {
      assert.equal(answer.status, 413, label);
      assert.equal(answer.body.errcode, "M_TOO_LARGE", label);
    }
    assert.deepEqual(proxy.seen(SET_PATH), [], "nothing was forwarded");
  });
});

describe("identity", () => {
  test("no token: 401 M_MISSING_TOKEN, and Synapse is not asked", async () => {
    proxy.reset();
    const answer = await post(gw, null, pusher());
    assert.equal(answer.status, 401);
    assert.equal(answer.body.errcode, "M_MISSING_TOKEN");
    assert.deepEqual(proxy.requests, []);
  });

  test("an unknown token: Synapse's 401 relayed as it is, refused from the cache for a while", async () => {
    proxy.reset();
    const through = await post(gw, "not-a-token-synapse-knows", pusher());
    const direct = await hs.call("GET", WHOAMI_PATH, "not-a-token-synapse-knows");
    assert.equal(through.status, 401);
    assert.deepEqual(through.body, direct.body);
    assert.equal(through.body.errcode, "M_UNKNOWN_TOKEN");
    // Again at once: the refusal is cached (at most 10 s), no second whoami, never a set.
    const again = await Promise.all(Array.from({ length: 10 }, () => post(gw, "not-a-token-synapse-knows", pusher())));
    for (const answer of again) assert.deepEqual([answer.status, answer.body], [401, direct.body]);
    assert.equal(proxy.seen(WHOAMI_PATH).length, 1);
    assert.deepEqual(proxy.seen(SET_PATH), []);
  });

  test("20 sets with one new token, at once, then 20 more: one whoami", async (t) => {
    const user = await newUser();
    proxy.reset();
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) => post(gw, user.accessToken, pusher({ pushkey: `burst-${i}` }))),
    );
    assert.deepEqual(
      answers.map((a) => a.status),
      Array(20).fill(200),
    );
    for (let i = 0; i < 20; i++) {
      assert.equal((await post(gw, user.accessToken, pusher({ pushkey: `burst-${i}`, lang: "de" }))).status, 200);
    }
    const whoami = proxy.seen(WHOAMI_PATH).length;
    t.diagnostic(`whoami calls for 40 sets with one token: ${whoami}`);
    assert.ok(whoami >= 1 && whoami <= 2, `${whoami} whoami calls`);
    assert.equal(proxy.seen(SET_PATH).length, 40);
  });

  test("a token logged out at Synapse: the forwarded set gets Synapse's 401, and the cache drops it", async () => {
    const user = await newUser();
    assert.equal((await post(gw, user.accessToken, pusher({ pushkey: "lo-1" }))).status, 200);
    // Logged out past the gateway: the gateway still holds the token as found.
    assert.equal((await hs.call("POST", "/_matrix/client/v3/logout", user.accessToken, {})).status, 200);
    proxy.reset();
    const first = await post(gw, user.accessToken, pusher({ pushkey: "lo-2" }));
    assert.equal(first.status, 401);
    assert.equal(first.body.errcode, "M_UNKNOWN_TOKEN");
    assert.equal(proxy.seen(SET_PATH).length, 1, "forwarded once: Synapse itself refused it");
    assert.equal(proxy.seen(WHOAMI_PATH).length, 0);
    const second = await post(gw, user.accessToken, pusher({ pushkey: "lo-3" }));
    assert.equal(second.status, 401);
    assert.equal(proxy.seen(WHOAMI_PATH).length, 1, "the cache entry was dropped: asked again");
    assert.equal(proxy.seen(SET_PATH).length, 1, "and not forwarded again");
  });

  test("a token logged out through the gateway is refused at the next set without a forward", async () => {
    const user = await newUser();
    const sdk = createClient({ baseUrl: gw.url, accessToken: user.accessToken, userId: user.userId });
    await sdk.setPusher(pusher({ pushkey: "lo-gw" }));
    await sdk.logout();
    proxy.reset();
    await assert.rejects(
      sdk.setPusher(pusher({ pushkey: "lo-gw-2" })),
      (err) => err.httpStatus === 401 && err.errcode === "M_UNKNOWN_TOKEN",
    );
    assert.equal(proxy.seen(WHOAMI_PATH).length, 1);
    assert.deepEqual(proxy.seen(SET_PATH), []);
    sdk.stopClient();
  });

  test("a found token is kept in KV: a new isolate on the same store asks no whoami", async () => {
    const user = await newUser();
    const dir = await tempDir("gw-kv");
    try {
      const first = await startGateway(proxy.url, {}, { persistDir: dir });
      proxy.reset();
      assert.equal((await post(first, user.accessToken, pusher({ pushkey: "kv-1" }))).status, 200);
      assert.equal(proxy.seen(WHOAMI_PATH).length, 1);
      // The KV write runs after the answer: give it its moment before the isolate goes.
      let keys = [];
      for (let i = 0; i < 50 && keys.length === 0; i++) {
        keys = (await first.kv.list({ prefix: "w:" })).keys;
        if (keys.length === 0) await new Promise((r) => setTimeout(r, 50));
      }
      assert.equal(keys.length, 1);
      assert.ok(!keys[0].name.includes(user.accessToken), "the key is the token's hash");
      const value = await first.kv.get(keys[0].name);
      assert.ok(!value.includes(user.accessToken), "the value holds no token");
      await first.dispose();

      const second = await startGateway(proxy.url, {}, { persistDir: dir });
      assert.equal((await post(second, user.accessToken, pusher({ pushkey: "kv-2" }))).status, 200);
      assert.equal(proxy.seen(WHOAMI_PATH).length, 1, "no second whoami");
      await second.dispose();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe("settings", () => {
  test("the rate limit applies before anything is forwarded", async () => {
    const user = await newUser();
    const limited = await startGateway(proxy.url, {}, { rateLimit: { limit: 2, period: 60 } });
    try {
      proxy.reset();
      const statuses = [];
      for (let i = 0; i < 3; i++)
        statuses.push((await post(limited, user.accessToken, pusher({ pushkey: `rl-${i}` }))).status);
      assert.deepEqual(statuses, [200, 200, 429]);
      assert.equal(proxy.seen(SET_PATH).length, 2);
    } finally {
      await limited.dispose();
    }
  });

  test("KINDS=http refuses e-mail pushers at /kind, at the edge", async () => {
    const user = await newUser();
    const httpOnly = await startGateway(proxy.url, { KINDS: "http" });
    try {
      await post(httpOnly, user.accessToken, pusher({ pushkey: "warm" }));
      proxy.reset();
      const answer = await post(
        httpOnly,
        user.accessToken,
        pusher({ kind: "email", app_id: "m.email", pushkey: "a@example.org", data: {} }),
      );
      assert.equal(answer.status, 400);
      assert.deepEqual(
        answer.body.errors.map((p) => [p.errcode, p.path]),
        [["M_INVALID_PARAM", "/kind"]],
      );
      assert.deepEqual(proxy.requests, []);
    } finally {
      await httpOnly.dispose();
    }
  });

  test("KINDS=http,email,webpush forwards a Web Push pusher with a real P-256 key, and refuses one off the curve", async () => {
    const user = await newUser();
    const withWebPush = await startGateway(proxy.url, { KINDS: "http,email,webpush" });
    try {
      const ecdh = createECDH("prime256v1");
      ecdh.generateKeys();
      const body = pusher({
        kind: "webpush",
        app_id: "org.example.web",
        pushkey: ecdh.getPublicKey().toString("base64url"),
        data: {
          url: "https://UPDATES.push.services.mozilla.com/wpush/v2/gAAAAABnR3f0",
          auth: randomBytes(16).toString("base64url"),
        },
      });
      await post(withWebPush, user.accessToken, pusher({ pushkey: "warm" }));
      proxy.reset();
      const answer = await post(withWebPush, user.accessToken, body);
      assert.deepEqual([answer.status, answer.body], [200, {}]);
      const [forwarded] = proxy.seen(SET_PATH);
      const sent = JSON.parse(forwarded.body);
      assert.equal(sent.kind, "webpush");
      assert.equal(sent.pushkey, body.pushkey);
      assert.deepEqual(sent.data, {
        url: "https://updates.push.services.mozilla.com/wpush/v2/gAAAAABnR3f0",
        auth: body.data.auth,
      });
      const stored = (await storedAtSynapse(user.accessToken)).find((p) => p.kind === "webpush");
      assert.equal(stored.pushkey, body.pushkey);

      // The same length and alphabet, but not a point on the curve: refused at the edge.
      const offCurve = Buffer.from(ecdh.getPublicKey());
      offCurve[64] ^= 1;
      proxy.reset();
      const refused = await post(withWebPush, user.accessToken, { ...body, pushkey: offCurve.toString("base64url") });
      assert.equal(refused.status, 400);
      assert.deepEqual(
        refused.body.errors.map((p) => [p.errcode, p.path]),
        [["M_INVALID_PARAM", "/pushkey"]],
      );
      assert.deepEqual(proxy.requests, []);
    } finally {
      await withWebPush.dispose();
    }
  });

  test("the page learns the mode from /service.json", async () => {
    const response = await gw.fetch("/service.json");
    assert.deepEqual(await response.json(), { mode: "gateway" });
  });
});

describe("make run with UPSTREAM_URL", () => {
  test("serves a gateway in front of the homeserver, mints no token, stops on SIGTERM", async () => {
    const dir = await tempDir("gw-run");
    const port = await freePort();
    const child = spawn(process.execPath, [fileURLToPath(new URL("../../www/dev.mjs", import.meta.url))], {
      env: { ...process.env, UPSTREAM_URL: hs.url, PORT: String(port), DATA_DIR: dir },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk) => (output += chunk));
    child.stderr.on("data", (chunk) => (output += chunk));
    const exited = new Promise((resolve) => child.on("exit", (code, signal) => resolve({ code, signal })));
    try {
      await new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no banner:\n${output}`)), 60_000);
        child.stdout.on("data", () => {
          if (!output.includes("Ctrl-C stops it.")) return;
          clearTimeout(timer);
          resolve();
        });
        exited.then(() => reject(new Error(`exited:\n${output}`)));
      });
      assert.match(
        output,
        new RegExp(`gateway on http://127\\.0\\.0\\.1:${port}, in front of the homeserver ${hs.url}`),
      );
      assert.doesNotMatch(output, /token for /);
      const versions = await fetch(`http://127.0.0.1:${port}/_matrix/client/versions`);
      assert.match(versions.headers.get("server") ?? "", /^Synapse\//);
      const user = await newUser();
      const sdk = createClient({
        baseUrl: `http://127.0.0.1:${port}`,
        accessToken: user.accessToken,
        userId: user.userId,
      });
      assert.deepEqual(await sdk.setPusher(pusher({ pushkey: "run-1", lang: "EN" })), {});
      assert.equal((await storedAtSynapse(user.accessToken))[0].lang, "en");
      sdk.stopClient();
    } finally {
      child.kill("SIGTERM");
      assert.deepEqual(await exited, { code: 0, signal: null });
      await rm(dir, { recursive: true, force: true });
    }
  });
});
