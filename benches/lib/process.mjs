// Child processes for the service benchmark: each server runs in its own process group, so that
// stopping it stops everything it started, and nothing else.
import { spawn, spawnSync } from "node:child_process";
import { openSync, readdirSync, readFileSync } from "node:fs";

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

/** Resolves when `file` contains `marker`, or throws after `timeoutMs` or if `child` exits. */
export async function waitForLog(file, marker, timeoutMs, child) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let text = "";
    try {
      text = readFileSync(file, "utf8");
    } catch {}
    if (text.includes(marker)) return text;
    if (child && child.exitCode !== null)
      throw new Error(`${file}: the process exited (${child.exitCode})\n${text.slice(-2000)}`);
    if (Date.now() > deadline) throw new Error(`${file}: no "${marker}" after ${timeoutMs} ms\n${text.slice(-2000)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** CPU time (user + system, in seconds) used so far by every live process of a group. */
export function groupCpuSeconds(pgid) {
  const ticks = 100; // USER_HZ on Linux
  let total = 0;
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    let stat;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, "utf8");
    } catch {
      continue;
    }
    // Fields after the command name, which is in parentheses and may hold spaces.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    if (Number(fields[2]) !== pgid) continue;
    total += (Number(fields[11]) + Number(fields[12])) / ticks;
  }
  return total;
}
