// Routing, CORS, authentication and the static playground, over HTTP against workerd.

import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { client, pusher, startService } from "../lib/service.mjs";

const CORS = {
  "access-control-allow-origin": "*",
  "access-control-allow-methods": "GET, POST, PUT, DELETE, OPTIONS",
  "access-control-allow-headers": "X-Requested-With, Content-Type, Authorization",
};

function assertCors(response) {
  for (const [name, value] of Object.entries(CORS)) {
    assert.equal(response.headers.get(name), value, `${name} on ${response.url}`);
  }
}

let service;
let token;
before(async () => {
  service = await startService();
  token = await service.mint("@alice:localhost");
});
after(() => service?.dispose());

describe("routes", () => {
  for (const version of ["v3", "r0", "api/v1"]) {
    test(`serves set and list under /_matrix/client/${version}`, async () => {
      const alice = client(service, token);
      const body = pusher({ pushkey: `key-${version}` });
      const set = await alice.set(body, `/_matrix/client/${version}/pushers/set`);
      assert.deepEqual(set, { status: 200, contentType: "application/json", body: {} });
      const list = await alice.list(`/_matrix/client/${version}/pushers`);
      assert.equal(list.status, 200);
      assert.ok(list.body.pushers.some((p) => p.pushkey === `key-${version}`));
      assert.equal((await alice.remove(body.app_id, body.pushkey)).status, 200);
    });
  }

  test("answers /versions without a token, with CORS", async () => {
    const response = await service.fetch("/_matrix/client/versions");
    assert.equal(response.status, 200);
    assertCors(response);
    const body = await response.json();
    assert.ok(body.versions.includes("v1.1"));
    assert.deepEqual(body.unstable_features, {});
  });

  for (const path of ["/_matrix/client/v3/pushers/set", "/_matrix/client/r0/pushers", "/_matrix/client/versions"]) {
    test(`answers the CORS preflight on ${path}`, async () => {
      const response = await service.fetch(path, {
        method: "OPTIONS",
        headers: {
          Origin: "https://app.example.org",
          "Access-Control-Request-Method": "POST",
          "Access-Control-Request-Headers": "authorization, content-type",
        },
      });
      assert.ok(response.status >= 200 && response.status < 300, `status ${response.status}`);
      assertCors(response);
    });
  }

  for (const path of [
    "/_matrix/client/v4/pushers",
    "/_matrix/client/v3/pushers/",
    "/_matrix/client/v3/pushers/set/",
    "/_matrix/client/v3/pushers/get",
    "/_matrix/client/v3/pusher",
    "/_matrix/client/v3/account/whoami",
    "/_matrix/anything",
  ]) {
    test(`answers 404 M_UNRECOGNIZED with CORS at ${path}`, async () => {
      const response = await service.fetch(path, { headers: { Authorization: `Bearer ${token}` } });
      assert.equal(response.status, 404);
      assertCors(response);
      const body = await response.json();
      assert.equal(body.errcode, "M_UNRECOGNIZED");
      assert.equal(typeof body.error, "string");
    });
  }

  for (const [method, path] of [
    ["GET", "/_matrix/client/v3/pushers/set"],
    ["PUT", "/_matrix/client/v3/pushers/set"],
    ["DELETE", "/_matrix/client/v3/pushers/set"],
    ["POST", "/_matrix/client/v3/pushers"],
    ["PUT", "/_matrix/client/r0/pushers"],
    ["POST", "/_matrix/client/versions"],
    ["PATCH", "/_matrix/client/api/v1/pushers"],
  ]) {
    test(`answers 405 M_UNRECOGNIZED with CORS to ${method} ${path}`, async () => {
      const response = await service.fetch(path, {
        method,
        headers: { Authorization: `Bearer ${token}` },
        body: method === "GET" ? undefined : "{}",
      });
      assert.equal(response.status, 405);
      assertCors(response);
      assert.equal((await response.json()).errcode, "M_UNRECOGNIZED");
      assert.ok(response.headers.get("allow").includes("OPTIONS"));
    });
  }
});

describe("authentication", () => {
  const paths = [
    ["POST", "/_matrix/client/v3/pushers/set"],
    ["GET", "/_matrix/client/v3/pushers"],
  ];
  for (const [method, path] of paths) {
    test(`${method} ${path} without a token is 401 M_MISSING_TOKEN`, async () => {
      for (const headers of [{}, { Authorization: "Basic YTpi" }, { Authorization: "Bearer " }]) {
        const response = await service.fetch(path, {
          method,
          headers,
          body: method === "POST" ? JSON.stringify(pusher()) : undefined,
        });
        assert.equal(response.status, 401, JSON.stringify(headers));
        assertCors(response);
        assert.equal((await response.json()).errcode, "M_MISSING_TOKEN");
      }
    });

    test(`${method} ${path} with an unknown token is 401 M_UNKNOWN_TOKEN`, async () => {
      for (const unknown of ["nope", "x".repeat(5000), token.slice(0, -1)]) {
        const response = await service.fetch(path, {
          method,
          headers: { Authorization: `Bearer ${unknown}` },
          body: method === "POST" ? JSON.stringify(pusher()) : undefined,
        });
        assert.equal(response.status, 401);
        assertCors(response);
        assert.equal((await response.json()).errcode, "M_UNKNOWN_TOKEN");
      }
    });
  }

  test("reads the bearer scheme case-insensitively", async () => {
    const response = await service.fetch("/_matrix/client/v3/pushers", {
      headers: { Authorization: `bearer ${token}` },
    });
    assert.equal(response.status, 200);
  });

  test("keeps only token hashes in KV", async () => {
    const { keys } = await service.kv.list({ prefix: "t:" });
    assert.ok(keys.length > 0);
    for (const { name } of keys) {
      assert.match(name, /^t:[A-Za-z0-9_-]{43}$/);
      assert.ok(!name.includes(token));
    }
  });

  test("reads a known token from KV once, then from the isolate's cache", async () => {
    const fresh = await service.mint("@carol:localhost");
    const carol = client(service, fresh);
    await service.resetKv();
    assert.equal((await carol.list()).status, 200);
    assert.equal((await service.kvCounts()).byPrefix["get t"], 1);
    for (let i = 0; i < 5; i += 1) assert.equal((await carol.list()).status, 200);
    assert.equal((await service.kvCounts()).byPrefix["get t"], 1);
  });

  test("caches an unknown token too, so repeating it does not read KV again", async () => {
    const unknown = client(service, "never-minted-token");
    await service.resetKv();
    for (let i = 0; i < 3; i += 1) assert.equal((await unknown.list()).status, 401);
    assert.equal((await service.kvCounts()).byPrefix["get t"], 1);
  });
});

describe("playground", () => {
  test("serves index.html at /", async () => {
    const response = await service.fetch("/");
    assert.equal(response.status, 200);
    assert.match(response.headers.get("content-type"), /^text\/html/);
    assert.match(await response.text(), /<html|<!doctype html/i);
  });

  test("serves app.js as JavaScript", async () => {
    const response = await service.fetch("/app.js");
    assert.equal(response.status, 200);
    assert.match(response.headers.get("content-type"), /javascript/);
  });
});

describe("playground package", () => {
  test("serves the browser build's .wasm as application/wasm", async () => {
    const { readdir } = await import("node:fs/promises");
    const { WWW_DIR } = await import("../../www/local.mjs");
    const files = await readdir(`${WWW_DIR}/page/pkg`);
    const wasm = files.find((name) => name.endsWith(".wasm"));
    assert.ok(wasm, "make build copies the browser build into www/page/pkg/");
    const response = await service.fetch(`/pkg/${wasm}`);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get("content-type"), "application/wasm");
    const bytes = new Uint8Array(await response.arrayBuffer());
    assert.deepEqual([...bytes.slice(0, 4)], [0x00, 0x61, 0x73, 0x6d]);
    assert.ok((await service.fetch("/pkg/index.js")).ok);
  });
});
