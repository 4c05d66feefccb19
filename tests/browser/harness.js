// What the browser tests share: the service under test (the `make run` launcher on a free port,
// with a fresh KV store and a seeded token) and Debian's Chromium driven by playwright-core.

import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const OUT_DIR = join(ROOT, "tests", "out");
export const USER = "@alice:localhost";
export const TOKEN = "tokA";

const CHROMIUM = "/usr/bin/chromium";
const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

/** A free TCP port on the loopback interface. */
function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = /** @type {import('node:net').AddressInfo} */ (srv.address());
      srv.close(() => resolve(port));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Starts the service the way `make run` does (its launcher, www/dev.mjs) on a free port with a
 * fresh DATA_DIR and DEV_TOKENS, and waits until it answers the seeded token.
 * @returns {Promise<{ base: string, stop: () => Promise<void> }>}
 */
export async function startService() {
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), "pusher-browser-data-"));
  const child = spawn(process.execPath, [join(ROOT, "www", "dev.mjs")], {
    cwd: ROOT,
    env: { ...process.env, PORT: String(port), DATA_DIR: dataDir, DEV_TOKENS: `${USER}=${TOKEN}` },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let log = "";
  child.stdout.on("data", (b) => {
    log += b;
  });
  child.stderr.on("data", (b) => {
    log += b;
  });
  let exited = false;
  const exit = new Promise((resolve) =>
    child.on("exit", () => {
      exited = true;
      resolve(undefined);
    }),
  );

  const stop = async () => {
    if (!exited) {
      try {
        process.kill(-(/** @type {number} */ (child.pid)), "SIGTERM");
      } catch {
        /* already gone */
      }
      const killed = await Promise.race([exit.then(() => true), sleep(10_000).then(() => false)]);
      if (!killed) {
        try {
          process.kill(-(/** @type {number} */ (child.pid)), "SIGKILL");
        } catch {
          /* already gone */
        }
        await exit;
      }
    }
    rmSync(dataDir, { recursive: true, force: true });
  };

  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 180_000;
  for (;;) {
    if (exited) {
      await stop();
      throw new Error(`the service exited before it was ready:\n${log}`);
    }
    try {
      const res = await fetch(`${base}/_matrix/client/v3/pushers`, { headers: { Authorization: `Bearer ${TOKEN}` } });
      if (res.status === 200) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`the service did not answer within 180 s:\n${log}`);
    }
    await sleep(250);
  }
  return { base, stop };
}

/**
 * Launches Debian's Chromium with a fresh profile directory.
 * @returns {Promise<{ context: import('playwright-core').BrowserContext, close: () => Promise<void> }>}
 */
export async function launchBrowser() {
  const profile = mkdtempSync(join(tmpdir(), "pusher-browser-profile-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1280, height: 900 },
  });
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

export { fixtureCases } from "../lib/fixtures.mjs";
