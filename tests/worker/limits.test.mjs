// Bounds: the body size (413 before the body is read whole), the per-user request rate and the
// per-user pusher count (429 M_LIMIT_EXCEEDED).

import assert from "node:assert/strict";
import http from "node:http";
import { after, before, describe, test } from "node:test";
import { client, pusher, startService } from "../lib/service.mjs";

const MAX = 1024;

/** A valid set body of exactly `size` bytes (padded with spaces). */
function bodyOfSize(size) {
  const text = JSON.stringify(pusher({ pushkey: `size-${size}` }));
  assert.ok(text.length <= size);
  return text + " ".repeat(size - text.length);
}

/** A body streamed in chunks (sent with chunked transfer encoding, no Content-Length). */
function chunked(text, chunkSize = 256) {
  const bytes = new TextEncoder().encode(text);
  let offset = 0;
  return new ReadableStream({
    pull(controller) {
      if (offset >= bytes.length) return controller.close();
      controller.enqueue(bytes.slice(offset, offset + chunkSize));
      offset += chunkSize;
    },
  });
}

describe("body size", () => {
  let service;
  let token;
  before(async () => {
    service = await startService({ vars: { MAX_BODY_BYTES: String(MAX) } });
    token = await service.mint("@alice:localhost");
  });
  after(() => service?.dispose());

  async function post(body, extra = {}) {
    const response = await service.fetch("/_matrix/client/v3/pushers/set", {
      method: "POST",
      headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
      body,
      ...extra,
    });
    return { status: response.status, body: await response.json() };
  }

  test("accepts a body of exactly maxBodyBytes", async () => {
    assert.deepEqual(await post(bodyOfSize(MAX)), { status: 200, body: {} });
    assert.deepEqual(await post(chunked(bodyOfSize(MAX)), { duplex: "half" }), { status: 200, body: {} });
  });

  test('refuses a longer body with 413 M_TOO_LARGE at path ""', async () => {
    const { status, body } = await post(bodyOfSize(MAX + 1));
    assert.equal(status, 413);
    assert.equal(body.errcode, "M_TOO_LARGE");
    assert.deepEqual(
      body.errors.map((p) => [p.errcode, p.path]),
      [["M_TOO_LARGE", ""]],
    );
  });

  test("refuses a longer chunked body, counted as it streams", async () => {
    const { status, body } = await post(chunked(bodyOfSize(MAX + 1)), { duplex: "half" });
    assert.equal(status, 413);
    assert.equal(body.errcode, "M_TOO_LARGE");
  });

  test("answers 413 to an endless chunked body without waiting for its end", async () => {
    // node:http, since fetch reports the answer only once its request body has been sent.
    const url = new URL(service.url);
    const { status, body, sent } = await new Promise((resolve, reject) => {
      let sent = 0;
      let timer;
      const request = http.request({
        host: url.hostname,
        port: url.port,
        path: "/_matrix/client/v3/pushers/set",
        method: "POST",
        headers: { Authorization: `Bearer ${token}` },
      });
      request.on("response", (response) => {
        clearInterval(timer);
        let text = "";
        response.setEncoding("utf8");
        response.on("data", (chunk) => (text += chunk));
        response.on("end", () => {
          request.destroy();
          resolve({ status: response.statusCode, body: JSON.parse(text), sent });
        });
      });
      request.on("error", (err) => {
        clearInterval(timer);
        reject(err);
      });
      timer = setInterval(() => {
        if (sent >= 16 * 1024 * 1024) {
          clearInterval(timer);
          request.destroy();
          reject(new Error(`no answer after ${sent} bytes`));
          return;
        }
        request.write(Buffer.alloc(1024, 0x20));
        sent += 1024;
      }, 1);
    });
    assert.equal(status, 413);
    assert.equal(body.errcode, "M_TOO_LARGE");
    assert.ok(sent < 16 * 1024 * 1024);
  });

  test("a client reads every 413 and keeps its connection usable", async () => {
    // Up to 1 MiB, a refused body is read and dropped: workerd would reset the connection
    // otherwise, and the client could lose the answer or its next request.
    const big = "x".repeat(MAX * 60);
    for (let i = 0; i < 40; i += 1) {
      assert.equal((await post(big)).status, 413);
      const next = await service.fetch("/_matrix/client/versions");
      assert.equal(next.status, 200);
      await next.arrayBuffer(); // free the connection for the next request
    }
  });

  test("refuses a declared Content-Length over the limit before reading", async () => {
    const big = "x".repeat(MAX * 64);
    const { status, body } = await post(big);
    assert.equal(status, 413);
    assert.equal(body.errcode, "M_TOO_LARGE");
  });
});

describe("rate limit", () => {
  let service;
  before(async () => {
    service = await startService({ rateLimit: { limit: 3, period: 60 } });
  });
  after(() => service?.dispose());

  test("past the per-user rate: 429 M_LIMIT_EXCEEDED with retry_after_ms; other users unaffected", async () => {
    const aliceToken = await service.mint("@alice:localhost");
    const alice = client(service, aliceToken);
    const bob = client(service, await service.mint("@bob:localhost"));
    assert.equal((await alice.list()).status, 200);
    assert.equal((await alice.set(pusher())).status, 200);
    assert.equal((await alice.list()).status, 200);
    for (const response of [await alice.list(), await alice.set(pusher({ pushkey: "more" }))]) {
      assert.equal(response.status, 429);
      assert.equal(response.body.errcode, "M_LIMIT_EXCEEDED");
      assert.equal(response.body.retry_after_ms, 60_000);
    }
    const raw = await service.fetch("/_matrix/client/v3/pushers", {
      headers: { Authorization: `Bearer ${aliceToken}` },
    });
    assert.equal(raw.status, 429);
    assert.equal(raw.headers.get("retry-after"), "60");
    assert.equal(raw.headers.get("access-control-allow-origin"), "*");
    assert.equal((await bob.list()).status, 200);
  });
});

describe("pusher count", () => {
  let service;
  before(async () => {
    service = await startService({ vars: { MAX_PUSHERS_PER_USER: "3" } });
  });
  after(() => service?.dispose());

  test("a user holds at most MAX_PUSHERS_PER_USER pushers; replacing one is still allowed", async () => {
    const alice = client(service, await service.mint("@alice:localhost"));
    for (const key of ["a", "b", "c"]) assert.equal((await alice.set(pusher({ pushkey: key }))).status, 200);
    const refused = await alice.set(pusher({ pushkey: "d" }));
    assert.equal(refused.status, 429);
    assert.equal(refused.body.errcode, "M_LIMIT_EXCEEDED");
    assert.match(refused.body.error, /3/);
    assert.equal((await alice.list()).body.pushers.length, 3);
    assert.equal((await alice.set(pusher({ pushkey: "c", device_display_name: "renamed" }))).status, 200);
    assert.equal((await alice.remove("im.vector.app.android", "a")).status, 200);
    assert.equal((await alice.set(pusher({ pushkey: "d" }))).status, 200);
    assert.deepEqual((await alice.list()).body.pushers.map((p) => p.pushkey).sort(), ["b", "c", "d"]);
  });
});
