// `make bench`: every benchmark in turn, each in a fresh Node process, then benches/results.json,
// benches/RESULTS.md and benches/chart.svg. BENCH_FULL=1 for the long run. BENCH_ONLY=speed,size
// runs some stages only and keeps the other figures of the last results.json.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { figures, goals } from "./lib/goals.mjs";
import { capture } from "./lib/process.mjs";
import { ensureSynapse, synapseVersion } from "./lib/synapse.mjs";

const here = fileURLToPath(new URL(".", import.meta.url));
const root = join(here, "..");
const work = join(here, "work");
const resultsFile = join(here, "results.json");
const FULL = process.env.BENCH_FULL === "1";
const ONLY = process.env.BENCH_ONLY ? process.env.BENCH_ONLY.split(",") : null;

// Order: the quiet, CPU-bound measurements first; the service (which starts three servers) last.
const STAGES = [
  { name: "size", script: "size.mjs" },
  { name: "startup", script: "startup.mjs" },
  { name: "native", script: "native.mjs" },
  { name: "speed", script: "speed.mjs", node: ["--expose-gc"] },
  { name: "kv_ops", script: "kv-ops.mjs" },
  { name: "service", script: "service.mjs" },
  // The gateway in front of Synapse against Synapse directly, one request at a time.
  { name: "gateway", script: "gateway.mjs" },
  // The same load with every server's store on tmpfs: what the software does when a disk sync
  // costs nothing. Long run only (or BENCH_TMPFS=1).
  {
    name: "service_tmpfs",
    script: "service.mjs",
    env: { BENCH_SERVICE_DIR: "/dev/shm/mpv-bench-service" },
    when: () => FULL || process.env.BENCH_TMPFS === "1",
  },
];

function run(args, label, env = {}) {
  const started = Date.now();
  const r = spawnSync(process.execPath, args, { cwd: root, stdio: "inherit", env: { ...process.env, ...env } });
  if (r.status !== 0) throw new Error(`bench: ${label} failed (exit ${r.status})`);
  console.log(`bench: ${label} done in ${((Date.now() - started) / 1000).toFixed(0)} s`);
}

const round2 = (n) => Math.round(n * 100) / 100;

const pkgVersion = (name) => {
  try {
    return JSON.parse(readFileSync(join(root, "node_modules", name, "package.json"), "utf8")).version;
  } catch {
    return null;
  }
};

mkdirSync(join(work, "parts"), { recursive: true });
const previous = ONLY && existsSync(resultsFile) ? JSON.parse(readFileSync(resultsFile, "utf8")) : {};

// Synapse (the service baseline) goes into benches/.venv on the first run.
if (!ONLY || ONLY.some((name) => name.startsWith("service") || name === "gateway")) ensureSynapse();

// The ajv peer is compiled ahead of time, as a worker would ship it.
run([join(here, "peers", "ajv-build.mjs")], "ajv standalone build");
// The serde-wasm-bindgen / js-sys comparison's module, for the speed stage.
if (!ONLY || ONLY.includes("speed")) run([join(here, "bridge-build.mjs")], "bridge module build");

const results = {
  date: new Date().toISOString(),
  mode: FULL ? "full" : "quick",
  machine: {
    cpu: os.cpus()[0]?.model ?? "unknown",
    cores: os.cpus().length,
    memory_gib: Math.round(os.totalmem() / 2 ** 30),
    os: `${os.type()} ${os.release()} (${capture("sh", ["-c", ". /etc/os-release && echo $PRETTY_NAME"]) || "unknown"})`,
    note: "shared with other work; figures from one run",
  },
  versions: {
    node: process.version,
    rustc: capture("rustc", ["--version"]),
    wasm_pack: capture("wasm-pack", ["--version"]),
    wrk: capture("sh", ["-c", "wrk -v 2>&1 | head -1"]).split(" ").slice(0, 2).join(" "),
    synapse: synapseVersion(),
    python: capture(join(here, ".venv", "bin", "python"), ["--version"]),
    miniflare: pkgVersion("miniflare"),
    workerd: pkgVersion("workerd"),
    wrangler: pkgVersion("wrangler"),
    ajv: pkgVersion("ajv"),
    zod: pkgVersion("zod"),
    valibot: pkgVersion("valibot"),
    esbuild: pkgVersion("esbuild"),
    package: JSON.parse(readFileSync(join(root, "pkg", "package.json"), "utf8")).version,
    commit: capture("git", ["-C", root, "rev-parse", "--short", "HEAD"]),
    // pkg/ is built from the working tree: say whether its sources differed from the commit.
    sources_modified:
      capture("git", ["-C", root, "status", "--porcelain", "--", "src", "npm", "Cargo.toml", "Cargo.lock", "www"]) !==
      "",
  },
};

// The machine is shared: the load average around each stage says how quiet it was.
results.load_average = {};
for (const stage of STAGES) {
  const skip = (ONLY && !ONLY.includes(stage.name)) || (stage.when && !stage.when());
  if (skip) {
    if (previous[stage.name]) {
      results[stage.name] = previous[stage.name];
      results.load_average[stage.name] = previous.load_average?.[stage.name];
    }
    continue;
  }
  const out = join(work, "parts", `${stage.name}.json`);
  const before = os.loadavg()[0];
  run([...(stage.node ?? []), join(here, stage.script), out], stage.name, stage.env);
  results.load_average[stage.name] = { before: round2(before), after: round2(os.loadavg()[0]) };
  results[stage.name] = JSON.parse(readFileSync(out, "utf8"));
}
results.figures = figures(results);
results.goals = goals(results);

writeFileSync(resultsFile, `${JSON.stringify(results, null, 2)}\n`);
run([join(here, "report.mjs")], "report");
