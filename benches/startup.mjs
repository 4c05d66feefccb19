// Start-up: each contender in many fresh Node processes (interleaved), from nothing loaded to
// the first answer; the figure is the median. `startup_ms` is ours: compile, instantiate and the
// first validate. `wasm_compile_ms` is the compile alone; `empty_module_ms` the floor, Node
// importing a one-line module and calling it.
//   node benches/startup.mjs OUT.json
import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { median, round } from "./lib/stats.mjs";

const FULL = process.env.BENCH_FULL === "1";
const RUNS = FULL ? 61 : 21;
const probe = fileURLToPath(new URL("./startup-probe.mjs", import.meta.url));
const contenders = ["ours", "wasm-compile", "ajv", "zod", "valibot", "empty"];
mkdirSync(fileURLToPath(new URL("./work/bundles/", import.meta.url)), { recursive: true });
writeFileSync(
  fileURLToPath(new URL("./work/bundles/empty.mjs", import.meta.url)),
  "export function validateText() { return { ok: true }; }\n",
);

function once(contender) {
  const r = spawnSync(process.execPath, [probe, contender], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`startup: ${contender}: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split("\n").pop());
}

for (const c of contenders) once(c); // warm the file cache
const samples = Object.fromEntries(contenders.map((c) => [c, []]));
for (let i = 0; i < RUNS; i++) {
  for (let k = 0; k < contenders.length; k++) {
    const c = contenders[(i + k) % contenders.length];
    samples[c].push(once(c));
  }
}

const summary = (list) => ({
  total_ms: round(median(list.map((s) => s.total_ms))),
  load_ms: round(median(list.map((s) => s.load_ms))),
  first_ms: round(median(list.map((s) => s.first_ms))),
  cpu_ms: round(median(list.map((s) => s.cpu_ms))),
});
// Side by side: the median of ours ÷ ajv over the interleaved runs, total and CPU time.
const ratio = (key) => round(median(samples.ours.map((s, i) => s[key] / samples.ajv[i][key])));
const result = {
  runs: RUNS,
  ratio_vs_ajv: ratio("total_ms"),
  ratio_cpu_vs_ajv: ratio("cpu_ms"),
  startup_ms: summary(samples.ours).total_ms,
  startup_cpu_ms: summary(samples.ours).cpu_ms,
  wasm_compile_ms: summary(samples["wasm-compile"]).total_ms,
  empty_module_ms: summary(samples.empty).total_ms,
  contenders: Object.fromEntries(contenders.map((c) => [c, summary(samples[c])])),
};
if (process.argv[2]) writeFileSync(process.argv[2], JSON.stringify(result, null, 2));
console.log(
  `startup: ours ${result.startup_ms} ms (compile ${result.wasm_compile_ms} ms), ${result.ratio_vs_ajv} x ajv`,
);
