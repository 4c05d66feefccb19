// Size and speed of the built package: the gzip size of the .wasm and its glue (the one
// definition of benches/lib/package-size.mjs, which `make bench` reports too), start-up (compile, instantiate, first validate) in fresh processes, and the time of one
// validate call per input form on a realistic payload.
//
//   node tests/package/measure.mjs            print the figures
//   node tests/package/measure.mjs --json     the same as JSON
//   node tests/package/measure.mjs --check    also exit 1 when a budget is exceeded
//   node tests/package/measure.mjs --check-size   exit 1 only when the size budget is exceeded
//                                                 (`make test-package`: times depend on the load)
//
// Budgets: 36 KiB gzip for the .wasm and its glue; 5 ms from the bytes to a first outcome
// (compiling the module, importing the JavaScript, instantiating, the first validate call;
// reading the file is shown apart, a browser streams it while compiling).

import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { BUDGET_GZIP_BYTES, packageSize } from "../../benches/lib/package-size.mjs";

const BUDGET_STARTUP_MS = 5;

const require = createRequire(import.meta.url);
const pkg = dirname(require.resolve("matrix-pusher-validator/package.json"));
const args = new Set(process.argv.slice(2));

// An Element Android registration through Firebase, with the members real clients send.
const BODY = {
  kind: "http",
  app_id: "im.vector.app.android",
  pushkey:
    "fcm:cZ3bQ0Vq2kA:APA91bHPRgkF3JUikC4ENAHEeMrd41Zxv3hVZjC9KtT8OvPVGJ-hQMRKRrZuJAEcl7B338qju59zJMjw2DELjzEvxwYv7hH5Ynpc1ODQ0aT4U4OFEeco8ohsN5PjL1iC2dNtk2BAokeMCg2ZXKqpc8FXKmhX94kIxQ",
  app_display_name: "Element",
  device_display_name: "Pixel 8 Pro",
  profile_tag: "mobile_1a2b3c",
  lang: "en_GB",
  data: {
    url: "https://matrix.gateway.unifiedpush.org/_matrix/push/v1/notify",
    format: "event_id_only",
    default_payload: { aps: { "mutable-content": 1, alert: { "loc-key": "SINGLE_UNREAD", "loc-args": [] } } },
    brand: "google",
  },
  append: false,
  "org.matrix.msc3881.enabled": true,
};

// ---- sizes ------------------------------------------------------------------------------------

const { wasm, glue: js, total } = await packageSize(pkg);
const totalGzip = total.gzip;

// ---- start-up, in fresh processes ---------------------------------------------------------------

const startupScript = `
  // The ES module loader's own first start is Node's cost, not the package's.
  await import("data:text/javascript,export default 0");
  const t0 = performance.now();
  const { readFileSync } = await import("node:fs");
  const bytes = readFileSync(${JSON.stringify(join(pkg, "matrix_pusher_validator_bg.wasm"))});
  const t1 = performance.now();
  const cpu = process.cpuUsage();
  const module = new WebAssembly.Module(bytes);
  const t2 = performance.now();
  const { initSync, validate } = await import(${JSON.stringify(pathToFileURL(join(pkg, "index.js")).href)});
  const t3 = performance.now();
  initSync(module);
  const t4 = performance.now();
  const outcome = validate(${JSON.stringify(JSON.stringify(BODY))});
  const t5 = performance.now();
  const used = process.cpuUsage(cpu);
  if (!outcome.ok) throw new Error(JSON.stringify(outcome));
  console.log(JSON.stringify({ read: t1 - t0, compile: t2 - t1, importJs: t3 - t2, instantiate: t4 - t3, firstValidate: t5 - t4, total: t5 - t1, totalCpu: (used.user + used.system) / 1000 }));
`;

const RUNS = 9;
const runs = [];
for (let i = 0; i < RUNS; i++) {
  const child = spawnSync(process.execPath, ["--input-type=module", "-e", startupScript], { encoding: "utf8" });
  if (child.status !== 0) throw new Error(child.stderr);
  runs.push(JSON.parse(child.stdout));
}
const median = (values) => values.slice().sort((a, b) => a - b)[Math.floor(values.length / 2)];
const pick = (choose) => Object.fromEntries(Object.keys(runs[0]).map((key) => [key, choose(runs.map((run) => run[key]))]));
const startup = pick(median);
const startupBest = pick((values) => Math.min(...values));

// ---- per call ---------------------------------------------------------------------------------

const api = await import("matrix-pusher-validator");
const text = JSON.stringify(BODY);
const bytes = new TextEncoder().encode(text);
// The entries are bundles; the unbundled sources (kept by the build under target/npm/src) give
// the outcome text before JSON.parse.
const src = new URL("../../target/npm/src/", import.meta.url);
(await import(new URL("index.js", src).href)).initSync(readFileSync(join(pkg, "matrix_pusher_validator_bg.wasm")));
const { validateToText } = await import(new URL("api.js", src).href);

// CPU time of this process (not wall-clock time), best of several rounds: on a machine shared
// with other work the figure stays close to what the call itself costs.
function perCall(fn) {
  for (let i = 0; i < 3000; i++) fn();
  let best = Infinity;
  for (let round = 0; round < 15; round++) {
    const n = 2000;
    const start = process.cpuUsage();
    for (let i = 0; i < n; i++) fn();
    const used = process.cpuUsage(start);
    best = Math.min(best, (used.user + used.system) / n);
  }
  return best;
}

if (!api.validate(bytes).ok) throw new Error("the payload is not accepted");
const calls = {
  "validate(Uint8Array)": perCall(() => api.validate(bytes)),
  "validate(string)": perCall(() => api.validate(text)),
  "validate(object)": perCall(() => api.validate(BODY)),
  "validateWithJson(Uint8Array)": perCall(() => api.validateWithJson(bytes)),
  "  of which the wasm call and its text (no JSON.parse)": perCall(() => validateToText(bytes)),
  "  JSON.stringify of the object alone": perCall(() => JSON.stringify(BODY)),
};

const report = {
  payloadBytes: bytes.length,
  size: { wasm, js, totalGzip, budgetGzip: BUDGET_GZIP_BYTES },
  startupMs: { median: startup, best: startupBest, budget: BUDGET_STARTUP_MS, runs: RUNS },
  perCallMicroseconds: calls,
};

if (args.has("--json")) {
  console.log(JSON.stringify(report, null, 2));
} else {
  const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
  const ms = (n) => `${n.toFixed(2)} ms`;
  console.log(`size (gzip -9 / brotli 11 / raw)`);
  console.log(`  .wasm                 ${kb(wasm.gzip)} / ${kb(wasm.brotli)} / ${kb(wasm.raw)}`);
  console.log(`  glue (minified)       ${kb(js.gzip)} / ${kb(js.brotli)} / ${kb(js.raw)}`);
  console.log(`  total gzip            ${kb(totalGzip)} (budget ${kb(BUDGET_GZIP_BYTES)})`);
  console.log(`start-up in ${RUNS} fresh processes, wall-clock: median (best)`);
  for (const key of ["compile", "importJs", "instantiate", "firstValidate", "total", "totalCpu"]) {
    console.log(`  ${key.padEnd(14)} ${ms(startup[key])} (${ms(startupBest[key])})`);
  }
  console.log(`  budget ${ms(BUDGET_STARTUP_MS)} for the total: compile, import of the JavaScript, instantiate, first validate`);
  console.log(`  (totalCpu: the CPU time of that span, all threads: what it costs without contention)`);
  console.log(`per call, ${bytes.length}-byte payload (CPU time, best of 15 rounds)`);
  for (const [name, us] of Object.entries(calls)) console.log(`  ${name.padEnd(55)} ${us.toFixed(2)} µs`);
}

if (args.has("--check") || args.has("--check-size")) {
  const over = [];
  if (totalGzip > BUDGET_GZIP_BYTES) over.push(`gzip size ${totalGzip} > ${BUDGET_GZIP_BYTES}`);
  if (args.has("--check") && startup.total > BUDGET_STARTUP_MS) over.push(`start-up ${startup.total.toFixed(2)} ms > ${BUDGET_STARTUP_MS} ms`);
  if (over.length > 0) {
    console.error(`over budget: ${over.join("; ")}`);
    process.exit(1);
  }
}
