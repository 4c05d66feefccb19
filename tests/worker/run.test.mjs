// The `make run` launcher (www/dev.mjs): starts offline, prints the URL and a token, keeps KV and
// the development token across restarts, seeds DEV_TOKENS, and stops with exit 0 on SIGINT and
// SIGTERM.

import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { rm } from "node:fs/promises";
import { createServer } from "node:net";
import { after, test } from "node:test";
import { fileURLToPath } from "node:url";
import { pusher, tempDir } from "../lib/service.mjs";

const DEV = fileURLToPath(new URL("../../www/dev.mjs", import.meta.url));

async function freePort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Starts dev.mjs and waits for its banner; returns the process, its output and the tokens. */
async function launch(env) {
  const child = spawn(process.execPath, [DEV], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (chunk) => (output += chunk));
  child.stderr.on("data", (chunk) => (output += chunk));
  const exited = new Promise((resolve) => child.on("exit", (code, signal) => resolve({ code, signal })));
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no banner in time:\n${output}`)), 60_000);
    const check = () => {
      if (output.includes("Ctrl-C stops it.")) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout.on("data", check);
    exited.then(({ code }) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code}:\n${output}`));
    });
  });
  const tokens = Object.fromEntries([...output.matchAll(/token for (\S+): (\S+)/g)].map((m) => [m[1], m[2]]));
  return { child, exited, output: () => output, tokens };
}

const dirs = [];
after(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

async function api(port, token, path, body) {
  const response = await fetch(`http://127.0.0.1:${port}${path}`, {
    method: body === undefined ? "GET" : "POST",
    headers: { Authorization: `Bearer ${token}` },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
}

test("make run: a kept @dev:localhost token, KV kept across restarts, exit 0 on SIGINT and SIGTERM", async () => {
  const dataDir = await tempDir("run");
  dirs.push(dataDir);
  const port = await freePort();

  const first = await launch({ PORT: String(port), DATA_DIR: dataDir, DEV_TOKENS: "" });
  assert.match(first.output(), new RegExp(`http://127\\.0\\.0\\.1:${port}`));
  const token = first.tokens["@dev:localhost"];
  assert.ok(token, first.output());
  assert.equal((await api(port, token, "/_matrix/client/v3/pushers/set", pusher({ pushkey: "kept" }))).status, 200);
  assert.equal((await fetch(`http://127.0.0.1:${port}/`)).status, 200);
  first.child.kill("SIGINT");
  assert.deepEqual(await first.exited, { code: 0, signal: null });

  const second = await launch({ PORT: String(port), DATA_DIR: dataDir, DEV_TOKENS: "" });
  assert.equal(second.tokens["@dev:localhost"], token, "the same token on the next run");
  const listed = await api(port, token, "/_matrix/client/v3/pushers");
  assert.deepEqual(
    listed.body.pushers.map((p) => p.pushkey),
    ["kept"],
  );
  second.child.kill("SIGTERM");
  assert.deepEqual(await second.exited, { code: 0, signal: null });
});

test("make run: DEV_TOKENS seeds each user's token", async () => {
  const dataDir = await tempDir("run-tokens");
  dirs.push(dataDir);
  const port = await freePort();
  const run = await launch({
    PORT: String(port),
    DATA_DIR: dataDir,
    DEV_TOKENS: "@alice:localhost=tokA,@bob:localhost=tokB",
  });
  try {
    assert.deepEqual(run.tokens, { "@alice:localhost": "tokA", "@bob:localhost": "tokB" });
    assert.equal((await api(port, "tokA", "/_matrix/client/v3/pushers/set", pusher({ pushkey: "a" }))).status, 200);
    assert.deepEqual((await api(port, "tokB", "/_matrix/client/v3/pushers")).body, { pushers: [] });
    assert.equal((await api(port, "tokA", "/_matrix/client/v3/pushers")).body.pushers.length, 1);
    assert.equal((await api(port, "tokC", "/_matrix/client/v3/pushers")).body.errcode, "M_UNKNOWN_TOKEN");
  } finally {
    run.child.kill("SIGINT");
    assert.deepEqual(await run.exited, { code: 0, signal: null });
  }
});
