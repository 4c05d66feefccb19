// Child processes for the service benchmark: each server runs in its own process group, so that
// stopping it stops everything it started, and nothing else.
import { spawn, spawnSync } from "node:child_process";
import { openSync } from "node:fs";

/** Starts a command in its own process group, its output appended to `log`. */
export function startGroup(command, args, { cwd, env, log }) {
  const fd = openSync(log, "a");
  const child = spawn(command, args, {
    cwd,
    env: { ...process.env, ...env },
    detached: true,
    stdio: ["ignore", fd, fd],
  });
  child.on("error", (e) => console.error(`${command}: ${e.message}`));
  return child;
}

/** Stops a group started by startGroup: SIGTERM, then SIGKILL after `graceMs`. */
export async function stopGroup(child, graceMs = 5000) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  try {
    process.kill(-child.pid, "SIGTERM");
  } catch {
    return;
  }
  const timer = setTimeout(() => {
    try {
      process.kill(-child.pid, "SIGKILL");
    } catch {}
  }, graceMs);
  await exited;
  clearTimeout(timer);
}

/** Resolves when `url` answers (any status), or throws after `timeoutMs`. */
export async function waitForHttp(url, timeoutMs, child) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child && child.exitCode !== null) throw new Error(`${url}: the server exited (${child.exitCode})`);
    try {
      await fetch(url, { signal: AbortSignal.timeout(2000) });
      return;
    } catch {
      if (Date.now() > deadline) throw new Error(`${url}: no answer after ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

/** Runs a command to completion and returns its trimmed stdout ("" when it fails). */
export function capture(command, args, options = {}) {
  const r = spawnSync(command, args, { encoding: "utf8", ...options });
  return r.status === 0 ? r.stdout.trim() : "";
}
