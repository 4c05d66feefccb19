// The gateway's cost: the same `POST /pushers/set` sent through the gateway (in front of Synapse,
// as `UPSTREAM_URL=... make run` serves it) and to Synapse directly, one request at a time,
// alternating (which goes first alternates too), in one run. The overhead is the difference of
// the percentiles; the median of the per-pair differences is given beside it.
// The gateway runs as `UPSTREAM_URL=... make run` serves it (benches/workers/serve.mjs gateway).
//   node benches/gateway.mjs OUT.json
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { groupCpuSeconds, startGroup, stopGroup, waitForLog } from "./lib/process.mjs";
import { median, percentile, round } from "./lib/stats.mjs";
import { configureSynapse, ensureSynapse, registerAccount, startSynapse, synapseVersion } from "./lib/synapse.mjs";

const FULL = process.env.BENCH_FULL === "1";
const PAIRS = FULL ? 3000 : 800;
const WARMUP_PAIRS = 100;
const SET_PATH = "/_matrix/client/v3/pushers/set";
// Sets rotate over a few pushkeys: each is a replacement of a pusher the user already holds.
const PUSHKEYS = 8;

const here = fileURLToPath(new URL(".", import.meta.url));
const work = join(here, "work", "gateway");

async function freePort() {
  const server = net.createServer();
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function body(i) {
  return JSON.stringify({
    kind: "http",
    app_id: "com.example.bench.ios",
    pushkey: `gateway-bench-${i % PUSHKEYS}`,
    app_display_name: "Bench",
    device_display_name: `Phone ${i % PUSHKEYS}`,
    lang: "en",
    data: { url: "https://push.example.com/_matrix/push/v1/notify", format: "event_id_only" },
    append: false,
  });
}

/** One set; returns its latency in ms (the whole answer read). */
async function timedSet(base, token, text) {
  const started = performance.now();
  const response = await fetch(`${base}${SET_PATH}`, {
    method: "POST",
    headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
    body: text,
  });
  const answer = await response.text();
  const elapsed = performance.now() - started;
  if (response.status !== 200) throw new Error(`${base}: ${response.status} ${answer}`);
  return elapsed;
}

async function main() {
  ensureSynapse();
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  const servers = {};
  try {
    const synapsePort = await freePort();
    const synDir = join(work, "synapse");
    const synCfg = configureSynapse(synDir, synapsePort);
    servers.synapse = await startSynapse(synDir, synapsePort, synCfg);
    const direct = `http://127.0.0.1:${synapsePort}`;

    const gatewayPort = await freePort();
    const gwDir = join(work, "gateway");
    mkdirSync(gwDir, { recursive: true });
    const log = join(gwDir, "serve.log");
    servers.gateway = startGroup(
      process.execPath,
      [join(here, "workers", "serve.mjs"), "gateway", String(gatewayPort), gwDir, direct],
      { cwd: here, log },
    );
    await waitForLog(log, "BENCH_READY", 180000, servers.gateway);
    const gateway = `http://127.0.0.1:${gatewayPort}`;

    const { accessToken } = await registerAccount(synapsePort, synCfg.secret, "gatewaybench");
    console.log(`gateway: warm-up, then ${PAIRS} pairs`);
    for (let i = 0; i < WARMUP_PAIRS; i++) {
      await timedSet(gateway, accessToken, body(i));
      await timedSet(direct, accessToken, body(i));
    }
    const through = [];
    const straight = [];
    const cpu0 = groupCpuSeconds(servers.gateway.pid);
    for (let i = 0; i < PAIRS; i++) {
      const text = body(i);
      if (i % 2 === 0) {
        through.push(await timedSet(gateway, accessToken, text));
        straight.push(await timedSet(direct, accessToken, text));
      } else {
        straight.push(await timedSet(direct, accessToken, text));
        through.push(await timedSet(gateway, accessToken, text));
      }
    }
    // CPU of the gateway's processes (Miniflare's Node and workerd) per set: a figure that a
    // busy machine does not inflate the way it inflates latency.
    const cpuMs = ((groupCpuSeconds(servers.gateway.pid) - cpu0) * 1000) / PAIRS;
    const p = (list, q) => percentile(list, q);
    const result = {
      synapse_version: synapseVersion(),
      method: { pairs: PAIRS, warmup_pairs: WARMUP_PAIRS, pushkeys: PUSHKEYS, concurrency: 1 },
      gateway_set_p50_ms: round(p(through, 50)),
      gateway_set_p99_ms: round(p(through, 99)),
      synapse_set_p50_ms: round(p(straight, 50)),
      synapse_set_p99_ms: round(p(straight, 99)),
      gateway_overhead_p50_ms: round(p(through, 50) - p(straight, 50)),
      gateway_overhead_p99_ms: round(p(through, 99) - p(straight, 99)),
      gateway_overhead_pair_median_ms: round(median(through.map((t, i) => t - straight[i]))),
      gateway_cpu_ms_per_set: round(cpuMs),
    };
    return result;
  } finally {
    for (const child of Object.values(servers)) await stopGroup(child);
  }
}

const result = await main();
if (process.argv[2]) writeFileSync(process.argv[2], JSON.stringify(result, null, 2));
console.log(
  `gateway: set p50 ${result.gateway_set_p50_ms} ms through the gateway, ${result.synapse_set_p50_ms} ms direct: ` +
    `overhead p50 ${result.gateway_overhead_p50_ms} ms, p99 ${result.gateway_overhead_p99_ms} ms`,
);
