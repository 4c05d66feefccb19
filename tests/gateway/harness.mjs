// The gateway's surroundings for the tests: a real Synapse from PyPI on a free loopback port with
// its own temporary data directory, a counting proxy in front of it (every request the gateway
// makes upstream is recorded), and servers that misbehave (never answer, redirect).

import { rm } from "node:fs/promises";
import http from "node:http";
import net from "node:net";
import { stopGroup } from "../../benches/lib/process.mjs";
import { configureSynapse, ensureSynapse, registerAccount, startSynapse } from "../../benches/lib/synapse.mjs";
import { startService, tempDir } from "../lib/service.mjs";

export { pusher } from "../lib/pusher.mjs";

export const SET_PATH = "/_matrix/client/v3/pushers/set";
export const PUSHERS_PATH = "/_matrix/client/v3/pushers";
export const WHOAMI_PATH = "/_matrix/client/v3/account/whoami";

/** A loopback port nothing listens on (at the time of asking). */
export async function freePort() {
  const server = net.createServer();
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Starts Synapse; `register(name)` makes a user whose password is known. */
export async function startHomeserver() {
  ensureSynapse();
  const dir = await tempDir("synapse");
  const port = await freePort();
  const config = configureSynapse(dir, port);
  let child;
  try {
    child = await startSynapse(dir, port, config);
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
  const url = `http://127.0.0.1:${port}`;
  return {
    port,
    url,
    /** @returns {Promise<{ userId: string, password: string, accessToken: string }>} */
    register: (name) => registerAccount(port, config.secret, name),
    /** A request straight to Synapse, past the gateway. */
    async call(method, path, token, body) {
      const response = await fetch(`${url}${path}`, {
        method,
        headers: token ? { Authorization: `Bearer ${token}` } : {},
        body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
      });
      const text = await response.text();
      let json;
      try {
        json = JSON.parse(text);
      } catch {}
      return { status: response.status, body: json, text };
    },
    async stop() {
      await stopGroup(child);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Listens on a free loopback port; returns the base URL and a close function. */
async function listen(server) {
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address();
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections?.();
        server.close(resolve);
      }),
  };
}

/**
 * An HTTP proxy to `targetPort` that records every request (method, path, headers, body text).
 * The gateway under test talks to it as its upstream.
 */
export async function countingProxy(targetPort) {
  const requests = [];
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on("data", (chunk) => chunks.push(chunk));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      requests.push({ method: req.method, path: req.url, headers: req.headers, body: body.toString("utf8") });
      const upstream = http.request(
        { host: "127.0.0.1", port: targetPort, method: req.method, path: req.url, headers: req.headers },
        (answer) => {
          res.writeHead(answer.statusCode, answer.headers);
          answer.pipe(res);
        },
      );
      upstream.on("error", () => res.destroy());
      upstream.end(body);
    });
  });
  const { url, port, close } = await listen(server);
  return {
    url,
    port,
    requests,
    /** The requests whose path starts with `prefix`. */
    seen: (prefix) => requests.filter((r) => r.path.startsWith(prefix)),
    reset: () => requests.splice(0),
    close,
  };
}

/** A server that accepts connections and never answers; counts them. */
export async function silentServer() {
  const sockets = [];
  const server = net.createServer((socket) => {
    sockets.push(socket);
    socket.on("error", () => {});
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}`,
    connections: () => sockets.length,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(resolve);
      }),
  };
}

/** A server that answers every request with `handler(req, res)`; records the requests. */
export async function plainServer(handler) {
  const requests = [];
  const server = http.createServer((req, res) => {
    requests.push({ method: req.method, path: req.url });
    handler(req, res);
  });
  const listening = await listen(server);
  return { ...listening, requests };
}

/** The worker in gateway mode in front of `upstream` (KV persisted to a temporary directory). */
export function startGateway(upstream, vars = {}, settings = {}) {
  return startService({ vars: { UPSTREAM_URL: upstream, ...vars }, wrapped: false, ...settings });
}

/** A raw HTTP/1.1 exchange (for request targets fetch cannot send); resolves with the status. */
export function rawRequest(port, text) {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, "127.0.0.1", () => socket.write(text));
    let answer = "";
    socket.setEncoding("latin1");
    socket.on("data", (chunk) => (answer += chunk));
    // The request asks for `Connection: close`: the answer ends with the connection.
    socket.on("end", () => {
      const status = /^HTTP\/1\.1 (\d{3})/.exec(answer);
      if (!status) return reject(new Error(`not an HTTP answer:\n${answer}`));
      resolve({ status: Number(status[1]), head: answer.slice(0, answer.indexOf("\r\n\r\n")) });
    });
    socket.on("error", reject);
    socket.setTimeout(20_000, () => {
      socket.destroy();
      reject(new Error(`no answer:\n${answer}`));
    });
  });
}
