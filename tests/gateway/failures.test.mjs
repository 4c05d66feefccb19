// The gateway when the homeserver fails: unreachable (a closed port) is 502 M_UNKNOWN, no answer
// within UPSTREAM_TIMEOUT_MS is 504 M_UNKNOWN, both Matrix JSON with the CORS headers; redirects
// are relayed, never followed; the upstream URL cannot be redirected by the request target.

import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { startService } from "../lib/service.mjs";
import { freePort, plainServer, pusher, rawRequest, SET_PATH, silentServer, startGateway } from "./harness.mjs";

const TIMEOUT_MS = 400;

function assertMatrixError(response, body, status) {
  assert.equal(response.status, status);
  assert.equal(body.errcode, "M_UNKNOWN");
  assert.equal(typeof body.error, "string");
  assert.match(response.headers.get("content-type"), /^application\/json/);
  assert.equal(response.headers.get("access-control-allow-origin"), "*");
}

async function call(gateway, path, init = {}) {
  const response = await gateway.fetch(path, init);
  return { response, body: await response.json() };
}

const setInit = () => ({
  method: "POST",
  headers: { Authorization: "Bearer some-token", "Content-Type": "application/json" },
  body: JSON.stringify(pusher()),
});

describe("homeserver unreachable", () => {
  let gateway;
  before(async () => {
    gateway = await startGateway(`http://127.0.0.1:${await freePort()}`, { UPSTREAM_TIMEOUT_MS: "5000" });
  });
  after(() => gateway?.dispose());

  test("a relayed request gets 502 M_UNKNOWN", async () => {
    const { response, body } = await call(gateway, "/_matrix/client/versions");
    assertMatrixError(response, body, 502);
  });

  test("a set gets 502 M_UNKNOWN (the token cannot be checked)", async () => {
    const { response, body } = await call(gateway, SET_PATH, setInit());
    assertMatrixError(response, body, 502);
  });
});

describe("homeserver silent", () => {
  let gateway;
  let silent;
  before(async () => {
    silent = await silentServer();
    gateway = await startGateway(silent.url, { UPSTREAM_TIMEOUT_MS: String(TIMEOUT_MS) });
  });
  after(async () => {
    await gateway?.dispose();
    await silent?.close();
  });

  test("a relayed request gets 504 M_UNKNOWN once the timeout has passed", async () => {
    const started = Date.now();
    const { response, body } = await call(gateway, "/_matrix/client/v3/pushers", {
      headers: { Authorization: "Bearer t" },
    });
    assertMatrixError(response, body, 504);
    assert.ok(Date.now() - started >= TIMEOUT_MS, "not before the timeout");
    assert.ok(silent.connections() >= 1, "the gateway did connect");
  });

  test("a set gets 504 M_UNKNOWN", async () => {
    const { response, body } = await call(gateway, SET_PATH, setInit());
    assertMatrixError(response, body, 504);
  });

  test("a long poll (/sync?timeout=) gets its own wait on top of the timeout", async () => {
    const started = Date.now();
    const { response, body } = await call(gateway, "/_matrix/client/v3/sync?timeout=1000", {
      headers: { Authorization: "Bearer t" },
    });
    assertMatrixError(response, body, 504);
    assert.ok(Date.now() - started >= 1000 + TIMEOUT_MS, "the requested wait is not cut short");
  });
});

describe("the upstream is the only host", () => {
  let gateway;
  let upstream;
  let decoy;
  before(async () => {
    decoy = await plainServer((_req, res) => res.end("decoy"));
    upstream = await plainServer((req, res) => {
      if (req.url === "/_matrix/client/v3/redirect") {
        res.writeHead(302, { Location: `${decoy.url}/_matrix/client/versions` });
        return res.end();
      }
      res.writeHead(200, { "Content-Type": "application/json" });
      res.end(JSON.stringify({ path: req.url }));
    });
    gateway = await startGateway(upstream.url);
  });
  after(async () => {
    await gateway?.dispose();
    await upstream?.close();
    await decoy?.close();
  });

  test("a path starting with // stays a path of the upstream", async () => {
    const { response, body } = await call(gateway, `//127.0.0.1:${decoy.port}/x?y=1`);
    assert.equal(response.status, 200);
    assert.equal(body.path, `//127.0.0.1:${decoy.port}/x?y=1`);
    const port = new URL(gateway.url).port;
    const raw = await rawRequest(
      port,
      `GET //127.0.0.1:${decoy.port}/z HTTP/1.1\r\nHost: gw\r\nConnection: close\r\n\r\n`,
    );
    assert.equal(raw.status, 200);
    assert.equal(decoy.requests.length, 0);
  });

  test("an absolute-form request target never reaches its host", async () => {
    const port = new URL(gateway.url).port;
    const before = upstream.requests.length;
    // Local workerd refuses this target itself (an answer of the runtime, not of the worker);
    // whatever answers, the decoy sees nothing and the upstream at most the path.
    await rawRequest(
      port,
      `GET http://127.0.0.1:${decoy.port}/_matrix/client/versions HTTP/1.1\r\nHost: 127.0.0.1:${decoy.port}\r\nConnection: close\r\n\r\n`,
    );
    assert.equal(decoy.requests.length, 0);
    for (const request of upstream.requests.slice(before)) assert.equal(request.path, "/_matrix/client/versions");
  });

  test("a redirect of the upstream is relayed, not followed", async () => {
    const response = await gateway.fetch("/_matrix/client/v3/redirect", { redirect: "manual" });
    assert.equal(response.status, 302);
    assert.equal(response.headers.get("location"), `${decoy.url}/_matrix/client/versions`);
    assert.equal(decoy.requests.length, 0);
  });

  test("TRACE is answered 405 M_UNRECOGNIZED, not as an upstream failure", async () => {
    const port = new URL(gateway.url).port;
    const raw = await rawRequest(
      port,
      "TRACE /_matrix/client/versions HTTP/1.1\r\nHost: gw\r\nConnection: close\r\n\r\n",
    );
    assert.ok(raw.status < 500, raw.head);
  });
});

describe("misconfiguration", () => {
  for (const [vars, named] of [
    [{ UPSTREAM_URL: "ftp://homeserver.example.org" }, "UPSTREAM_URL"],
    [{ UPSTREAM_URL: "https://user:secret@homeserver.example.org" }, "UPSTREAM_URL"],
    [{ UPSTREAM_URL: "http://127.0.0.1:1", KINDS: "http,fcm" }, "KINDS"],
    [{ UPSTREAM_URL: "http://127.0.0.1:1", UPSTREAM_TIMEOUT_MS: "soon" }, "UPSTREAM_TIMEOUT_MS"],
  ]) {
    test(`${named} the gateway cannot read: 500 naming it, never a default, no secret quoted`, async () => {
      const gateway = await startGateway(vars.UPSTREAM_URL, vars);
      try {
        const { response, body } = await call(gateway, "/_matrix/client/versions");
        assert.equal(response.status, 500);
        assert.equal(body.errcode, "M_UNKNOWN");
        assert.match(body.error, new RegExp(`^the service is misconfigured: ${named}: `));
        assert.doesNotMatch(body.error, /secret/);
      } finally {
        await gateway.dispose();
      }
    });
  }
});

describe("without UPSTREAM_URL", () => {
  test("the standalone registry answers for itself, and says so at /service.json", async () => {
    const service = await startService({ wrapped: false });
    try {
      assert.deepEqual(await (await service.fetch("/service.json")).json(), { mode: "standalone" });
      const token = await service.mint("@solo:localhost");
      const set = await service.fetch(SET_PATH, {
        method: "POST",
        headers: { Authorization: `Bearer ${token}` },
        body: JSON.stringify(pusher()),
      });
      assert.equal(set.status, 200);
      const listed = await (
        await service.fetch("/_matrix/client/v3/pushers", { headers: { Authorization: `Bearer ${token}` } })
      ).json();
      assert.deepEqual(
        listed.pushers.map((p) => p.pushkey),
        [pusher().pushkey],
      );
      assert.equal((await service.fetch("/_matrix/client/v3/sync")).status, 404, "nothing is relayed");
    } finally {
      await service.dispose();
    }
  });
});
