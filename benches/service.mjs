// The service under load: the worker (as `make run` serves it), Synapse and the KV ceiling, all
// on loopback on this machine, in one run, each loaded by wrk with the same scripts, the same
// connections and the same bodies, in interleaved rounds after a warm-up. Figures are medians
// over the rounds; ratios are medians of the per-round ratios. Targets: every set a new pusher
// (set.lua), the mix clients send (mix.lua: 85 % unchanged re-registrations, 5 % changed, 5 % new,
// 5 % deletes, over SET_USERS users), and GET /pushers (list.lua).
//   node benches/service.mjs OUT.json
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { groupCpuSeconds, startGroup, stopGroup, waitForLog } from "./lib/process.mjs";
import { median, round } from "./lib/stats.mjs";
import { configureSynapse, ensureSynapse, registerUser, startSynapse, synapseVersion } from "./lib/synapse.mjs";

const FULL = process.env.BENCH_FULL === "1";
const ROUNDS = FULL ? 5 : 3;
const SECONDS = FULL ? 10 : 5;
const WARMUP_SECONDS = FULL ? 3 : 2;
const CONNECTIONS = 32;
const THREADS = 2;
// Set requests rotate over this many users, so that no user comes near the worker's limit of
// pushers per user (20) and every user holds a realistic handful.
const SET_USERS = FULL ? 2048 : 512;
// GET /pushers rotates over these users, each holding LIST_PUSHERS pushers on both servers.
const LIST_USERS = 8;
const LIST_PUSHERS = 5;

const here = fileURLToPath(new URL(".", import.meta.url));
// Where the servers keep their data: on disk by default; BENCH_SERVICE_DIR=/dev/shm/... puts
// every server's store on tmpfs, where a sync costs nothing (to see the software without the disk).
const work = process.env.BENCH_SERVICE_DIR || join(here, "work", "service");
const base = Number(process.env.BENCH_PORT_BASE || 18700);
const ports = { worker: base + 1, ceiling: base + 2, synapse: base + 3 };
const SET_PATH = "/_matrix/client/v3/pushers/set";

function body(pushkey, device) {
  return JSON.stringify({
    kind: "http",
    app_id: "com.example.bench.ios",
    pushkey,
    app_display_name: "Bench",
    device_display_name: device,
    lang: "en",
    data: { url: "https://push.example.com/_matrix/push/v1/notify", format: "event_id_only" },
    append: false,
  });
}

/** Runs wrk once; returns its summary (see wrk/common.lua). */
function wrk(script, url, seconds, env) {
  return new Promise((resolve, reject) => {
    const args = [
      `-t${THREADS}`,
      `-c${CONNECTIONS}`,
      `-d${seconds}s`,
      "--timeout",
      "10s",
      "-s",
      join(here, "wrk", script),
      url,
    ];
    const child = spawn("wrk", args, {
      env: { ...process.env, BENCH_LUA_DIR: join(here, "wrk"), ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (err += d));
    child.on("exit", (code) => {
      const line = out.split("\n").find((l) => l.startsWith("BENCH_RESULT "));
      if (code !== 0 || !line) return reject(new Error(`wrk ${script} ${url}: ${code}\n${out}${err}`));
      resolve(JSON.parse(line.slice("BENCH_RESULT ".length)));
    });
  });
}

async function post(port, token, text) {
  const res = await fetch(`http://127.0.0.1:${port}${SET_PATH}`, {
    method: "POST",
    headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
    body: text,
  });
  const answer = await res.text();
  if (res.status !== 200) throw new Error(`POST ${port}: ${res.status} ${answer}`);
}

async function pool(items, width, fn) {
  let next = 0;
  const results = [];
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) {
        const i = next++;
        results[i] = await fn(items[i], i);
      }
    }),
  );
  return results;
}

async function main() {
  ensureSynapse();
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });

  const setNames = Array.from({ length: SET_USERS }, (_, i) => `bench${i}`);
  const listNames = Array.from({ length: LIST_USERS }, (_, i) => `lister${i}`);
  const workerTokens = Object.fromEntries(
    [...setNames, ...listNames].map((n) => [n, `bt_${randomBytes(16).toString("base64url")}`]),
  );
  const tokensFile = join(work, "worker-tokens.txt");
  writeFileSync(
    tokensFile,
    Object.entries(workerTokens)
      .map(([n, t]) => `@${n}:localhost=${t}\n`)
      .join(""),
  );

  const servers = {};
  const serve = async (mode, tokens) => {
    const dir = join(work, mode);
    mkdirSync(dir, { recursive: true });
    const log = join(dir, "serve.log");
    const args = [join(here, "workers", "serve.mjs"), mode, String(ports[mode]), dir];
    if (tokens) args.push(tokens);
    const child = startGroup(process.execPath, args, { cwd: here, log });
    servers[mode] = child;
    await waitForLog(log, "BENCH_READY", 180000, child);
  };
  try {
    console.log("service: starting the worker, the KV ceiling and Synapse");
    await serve("worker", tokensFile);
    await serve("ceiling");
    const synDir = join(work, "synapse");
    const synCfg = configureSynapse(synDir, ports.synapse);
    servers.synapse = await startSynapse(synDir, ports.synapse, synCfg);

    console.log(`service: registering ${SET_USERS + LIST_USERS} Synapse users`);
    const synTokens = Object.fromEntries(
      await pool([...setNames, ...listNames], 8, async (n) => [n, await registerUser(ports.synapse, synCfg.secret, n)]),
    );

    // The list users' pushers, the same on both servers.
    for (const [port, tokens] of [
      [ports.worker, workerTokens],
      [ports.synapse, synTokens],
    ]) {
      await pool(
        listNames.flatMap((n) => Array.from({ length: LIST_PUSHERS }, (_, k) => [n, k])),
        8,
        ([n, k]) => post(port, tokens[n], body(`list-${n}-${k}`, `Phone ${k}`)),
      );
    }

    // The mix's pushers: user i holds "mixa-i" (re-sent unchanged) and "mixc-i" (changed), the
    // same bodies on both servers (wrk/mix.lua sends them again).
    console.log(`service: seeding ${2 * SET_USERS} pushers on each server for the mix`);
    for (const [port, tokens] of [
      [ports.worker, workerTokens],
      [ports.synapse, synTokens],
    ]) {
      await pool(
        setNames.flatMap((n, i) => [
          [n, `mixa-${i}`, `Seed ${i}`],
          [n, `mixc-${i}`, "Seed"],
        ]),
        8,
        ([n, pushkey, device]) => post(port, tokens[n], body(pushkey, device)),
      );
    }

    const targets = {
      worker_mix: {
        port: ports.worker,
        script: "mix.lua",
        tokens: setNames.map((n) => workerTokens[n]),
        group: "worker",
      },
      synapse_mix: {
        port: ports.synapse,
        script: "mix.lua",
        tokens: setNames.map((n) => synTokens[n]),
        group: "synapse",
      },
      worker_set: {
        port: ports.worker,
        script: "set.lua",
        tokens: setNames.map((n) => workerTokens[n]),
        group: "worker",
      },
      synapse_set: {
        port: ports.synapse,
        script: "set.lua",
        tokens: setNames.map((n) => synTokens[n]),
        group: "synapse",
      },
      kv_ceiling: { port: ports.ceiling, script: "set.lua", tokens: ["none"], group: "ceiling" },
      worker_list: {
        port: ports.worker,
        script: "list.lua",
        tokens: listNames.map((n) => workerTokens[n]),
        group: "worker",
      },
      synapse_list: {
        port: ports.synapse,
        script: "list.lua",
        tokens: listNames.map((n) => synTokens[n]),
        group: "synapse",
      },
    };
    const names = Object.keys(targets);
    const runOne = async (name, seconds, label) => {
      const t = targets[name];
      const pgid = servers[t.group].pid;
      const cpu0 = groupCpuSeconds(pgid);
      const r = await wrk(t.script, `http://127.0.0.1:${t.port}`, seconds, {
        BENCH_TOKENS: t.tokens.join(","),
        BENCH_RUN: `${label}${name}`,
      });
      const cpu = groupCpuSeconds(pgid) - cpu0;
      const ok = Object.entries(r.statuses)
        .filter(([s]) => s.startsWith("2"))
        .reduce((a, [, n]) => a + n, 0);
      return {
        rps: r.requests / (r.duration_us / 1e6),
        p50_ms: r.latency_us.p50 / 1000,
        p99_ms: r.latency_us.p99 / 1000,
        requests: r.requests,
        not_2xx: r.requests - ok,
        socket_errors: r.errors.connect + r.errors.read + r.errors.write + r.errors.timeout,
        server_cpu_ms_per_request: (cpu * 1000) / r.requests,
        statuses: r.statuses,
      };
    };

    console.log("service: warm-up");
    for (const name of names) await runOne(name, WARMUP_SECONDS, "w");
    const samples = Object.fromEntries(names.map((n) => [n, []]));
    for (let r = 0; r < ROUNDS; r++) {
      for (let k = 0; k < names.length; k++) {
        const name = names[(r + k) % names.length];
        const s = await runOne(name, SECONDS, `r${r}`);
        samples[name].push(s);
        console.log(
          `service: round ${r + 1}/${ROUNDS} ${name.padEnd(12)} ${s.rps.toFixed(0)} req/s p99 ${s.p99_ms.toFixed(1)} ms${s.not_2xx ? ` (${s.not_2xx} not 2xx: ${JSON.stringify(s.statuses)})` : ""}`,
        );
      }
    }

    const summary = (list) => ({
      rps: round(median(list.map((s) => s.rps))),
      p50_ms: round(median(list.map((s) => s.p50_ms))),
      p99_ms: round(median(list.map((s) => s.p99_ms))),
      server_cpu_ms_per_request: round(median(list.map((s) => s.server_cpu_ms_per_request))),
      requests: list.reduce((a, s) => a + s.requests, 0),
      not_2xx: list.reduce((a, s) => a + s.not_2xx, 0),
      socket_errors: list.reduce((a, s) => a + s.socket_errors, 0),
      rounds: list.map((s) => ({ rps: round(s.rps), p50_ms: round(s.p50_ms), p99_ms: round(s.p99_ms) })),
    });
    const pair = (a, b, field = "rps") => round(median(samples[a].map((s, r) => s[field] / samples[b][r][field])));
    const t = Object.fromEntries(names.map((n) => [n, summary(samples[n])]));
    return {
      synapse_version: synapseVersion(),
      // Inside the repository, its path from the root (no machine's own path in the results).
      store_dir: work.startsWith(join(here, "..")) ? relative(join(here, ".."), work) : work,
      method: {
        rounds: ROUNDS,
        seconds: SECONDS,
        warmup_seconds: WARMUP_SECONDS,
        connections: CONNECTIONS,
        wrk_threads: THREADS,
        set_users: SET_USERS,
        list_users: LIST_USERS,
        list_pushers_each: LIST_PUSHERS,
      },
      targets: t,
      worker_mix_rps: t.worker_mix.rps,
      worker_mix_p50_ms: t.worker_mix.p50_ms,
      worker_mix_p99_ms: t.worker_mix.p99_ms,
      synapse_mix_rps: t.synapse_mix.rps,
      synapse_mix_p50_ms: t.synapse_mix.p50_ms,
      synapse_mix_p99_ms: t.synapse_mix.p99_ms,
      ratio_mix_worker_vs_synapse: pair("worker_mix", "synapse_mix"),
      worker_set_rps: t.worker_set.rps,
      worker_set_p50_ms: t.worker_set.p50_ms,
      worker_set_p99_ms: t.worker_set.p99_ms,
      worker_list_rps: t.worker_list.rps,
      worker_list_p50_ms: t.worker_list.p50_ms,
      worker_list_p99_ms: t.worker_list.p99_ms,
      synapse_set_rps: t.synapse_set.rps,
      synapse_set_p50_ms: t.synapse_set.p50_ms,
      synapse_set_p99_ms: t.synapse_set.p99_ms,
      synapse_list_rps: t.synapse_list.rps,
      synapse_list_p50_ms: t.synapse_list.p50_ms,
      synapse_list_p99_ms: t.synapse_list.p99_ms,
      kv_ceiling_rps: t.kv_ceiling.rps,
      kv_ceiling_p99_ms: t.kv_ceiling.p99_ms,
      ratio_set_worker_vs_synapse: pair("worker_set", "synapse_set"),
      ratio_list_worker_vs_synapse: pair("worker_list", "synapse_list"),
      ratio_set_worker_vs_ceiling: pair("worker_set", "kv_ceiling"),
    };
  } finally {
    for (const child of Object.values(servers)) await stopGroup(child);
    // A store on tmpfs holds memory: let it go (the one on disk stays for inspection).
    if (process.env.BENCH_SERVICE_DIR) rmSync(work, { recursive: true, force: true });
  }
}

const result = await main();
if (process.argv[2]) writeFileSync(process.argv[2], JSON.stringify(result, null, 2));
console.log(
  `service: mix worker ${result.worker_mix_rps}/s p99 ${result.worker_mix_p99_ms} ms, synapse ${result.synapse_mix_rps}/s p99 ${result.synapse_mix_p99_ms} ms (${result.ratio_mix_worker_vs_synapse}x)`,
);
console.log(
  `service: set worker ${result.worker_set_rps}/s p99 ${result.worker_set_p99_ms} ms, synapse ${result.synapse_set_rps}/s p99 ${result.synapse_set_p99_ms} ms, ceiling ${result.kv_ceiling_rps}/s`,
);
