// A 10 MB body is refused with 413 M_TOO_LARGE without being read whole: with a declared
// Content-Length and chunked, the answer comes after a bounded number of bytes, and the workerd
// process's memory stays bounded while several such bodies arrive at once.
import assert from "node:assert/strict";
import { connect } from "node:net";
import { after, before, describe, test } from "node:test";

import { rssOf, startService } from "../lib/service.mjs";

const TEN_MB = 10 * 1024 * 1024;
const CHUNK = 64 * 1024;
/** What the worker reads and drops of a refused body at most (DISCARD_MAX_BYTES in www/http.js). */
const DISCARD = 1_048_576;
/** An answer that takes longer than this counts as none. */
const PATIENCE_MS = 15_000;

let service;
let token;
before(async () => {
  service = await startService({ quiet: true });
  token = await service.mint("@big:localhost");
});
after(() => service?.dispose());

/**
 * Streams up to `total` bytes of "a" as a request body over a raw socket, with backpressure, and
 * stops writing as soon as an answer arrives (the server may also close the socket, which ends the
 * writing). Resolves with the status, the JSON body and the bytes of body written.
 */
function sendLarge({ total, chunked, pauseAfter = Infinity }) {
  return new Promise((resolve, reject) => {
    const { hostname, port } = new URL(service.url);
    const socket = connect({ host: hostname, port: Number(port) });
    const head = [
      "POST /_matrix/client/v3/pushers/set HTTP/1.1",
      `Host: ${hostname}:${port}`,
      `Authorization: Bearer ${token}`,
      "Content-Type: application/json",
      chunked ? "Transfer-Encoding: chunked" : `Content-Length: ${total}`,
      "Connection: close",
      "",
      "",
    ].join("\r\n");
    let written = 0;
    let received = Buffer.alloc(0);
    let answered = false;
    const finish = () => {
      const text = received.toString("latin1");
      const m = /^HTTP\/1\.1 (\d{3})/.exec(text);
      const split = text.indexOf("\r\n\r\n");
      if (!m || split < 0) return reject(new Error(`no answer: ${JSON.stringify(text.slice(0, 200))}`));
      let body = text.slice(split + 4);
      if (/transfer-encoding: chunked/i.test(text.slice(0, split))) {
        let out = "";
        for (let rest = body; ; ) {
          const nl = rest.indexOf("\r\n");
          const size = parseInt(rest.slice(0, nl), 16);
          if (!size) break;
          out += rest.slice(nl + 2, nl + 2 + size);
          rest = rest.slice(nl + 2 + size + 2);
        }
        body = out;
      }
      resolve({ status: Number(m[1]), body: JSON.parse(Buffer.from(body, "latin1").toString("utf8")), written });
    };
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer within ${PATIENCE_MS} ms, ${written} bytes of body written`));
    }, PATIENCE_MS);
    socket.on("close", () => clearTimeout(timer));
    socket.on("data", (d) => {
      answered = true;
      received = Buffer.concat([received, d]);
    });
    socket.on("end", finish);
    // A server that answers and closes while body bytes are unread makes the kernel reset the
    // connection, which can drop the answer on the client's side: that is reported as "reset".
    socket.on("close", () => (answered ? finish() : resolve({ status: "reset", body: null, written })));
    socket.on("error", () => {}); // EPIPE/ECONNRESET once the server has answered and closed
    const chunk = Buffer.alloc(CHUNK, "a");
    const framed = chunked
      ? Buffer.concat([Buffer.from(`${CHUNK.toString(16)}\r\n`), chunk, Buffer.from("\r\n")])
      : chunk;
    const pump = () => {
      while (!answered && !socket.destroyed && written < Math.min(total, pauseAfter)) {
        written += CHUNK;
        if (!socket.write(framed)) {
          socket.once("drain", pump);
          return;
        }
      }
      if (!answered && !socket.destroyed && chunked && written >= total) socket.write("0\r\n\r\n");
    };
    socket.write(head);
    pump();
  });
}

describe("a 10 MB body", () => {
  test("with a declared Content-Length is refused before one byte of it is sent", async () => {
    const res = await sendLarge({ total: TEN_MB, chunked: false, pauseAfter: 0 });
    assert.equal(res.status, 413);
    assert.equal(res.body.errcode, "M_TOO_LARGE");
    assert.equal(res.written, 0);
  });

  test("chunked is refused after a bounded read, while the rest is still unsent", async () => {
    // The worker reads and drops up to DISCARD (www/http.js) so that the client can read its
    // answer; past that it answers. The client sends that much and waits: a server that read
    // bodies whole would wait for the other 8.9 MB and never answer.
    const res = await sendLarge({ total: TEN_MB, chunked: true, pauseAfter: DISCARD + 2 * CHUNK });
    assert.equal(res.status, 413);
    assert.equal(res.body.errcode, "M_TOO_LARGE");
    assert.equal(res.written, DISCARD + 2 * CHUNK);
  });

  // Sent at full speed, how much leaves the client before the answer depends on the kernel's
  // loopback buffers, which grow to tens of MB (tcp_rmem): a body far larger than they can hold
  // shows the answer does not wait for the end.
  const HUGE = 256 * 1024 * 1024;
  for (const chunked of [false, true]) {
    test(`a 256 MB body sent at full speed is cut off long before its end (${chunked ? "chunked" : "Content-Length"})`, async () => {
      const res = await sendLarge({ total: HUGE, chunked });
      if (res.status !== "reset") {
        assert.equal(res.status, 413);
        assert.equal(res.body.errcode, "M_TOO_LARGE");
        assert.deepEqual(
          res.body.errors.map((e) => [e.errcode, e.path]),
          [["M_TOO_LARGE", ""]],
        );
      }
      assert.ok(res.written < HUGE / 4, `${res.written} bytes written before the answer`);
      console.log(
        `bodies: 256 MB ${chunked ? "chunked" : "with Content-Length"} at full speed: ${res.status} after ${(res.written / 1024).toFixed(0)} KiB written`,
      );
    });
  }

  test("eight at once keep the workerd process's memory bounded", async () => {
    assert.ok(service.pid, "workerd process not found");
    const base = await rssOf(service.pid);
    let peak = base;
    const sampler = setInterval(async () => {
      peak = Math.max(peak, await rssOf(service.pid).catch(() => peak));
    }, 10);
    // Whole 10 MB bodies sent as fast as possible, half declared and half chunked.
    const answers = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        fetch(`${service.url}/_matrix/client/v3/pushers/set`, {
          method: "POST",
          headers: { Authorization: `Bearer ${token}` },
          body: i % 2 ? new Uint8Array(TEN_MB).fill(97) : new Blob([new Uint8Array(TEN_MB).fill(97)]).stream(),
          duplex: "half",
        })
          .then(async (r) => [r.status, (await r.json()).errcode])
          .catch((err) => ["error", String(err.cause?.code ?? err.message)]),
      ),
    );
    clearInterval(sampler);
    peak = Math.max(peak, await rssOf(service.pid));
    const growth = peak - base;
    console.log(
      `bodies: 8 × 10 MB at once: answers ${JSON.stringify(answers)}, workerd RSS ${(base / 2 ** 20).toFixed(0)} MiB → peak ${(peak / 2 ** 20).toFixed(0)} MiB (+${(growth / 2 ** 20).toFixed(1)} MiB for 80 MiB sent)`,
    );
    for (const [status, errcode] of answers) {
      if (status !== "error") assert.deepEqual([status, errcode], [413, "M_TOO_LARGE"]);
    }
    assert.ok(
      answers.some(([status]) => status === 413),
      "no 413 at all",
    );
    assert.ok(growth < 24 * 2 ** 20, `workerd grew by ${(growth / 2 ** 20).toFixed(1)} MiB`);
  });
});
