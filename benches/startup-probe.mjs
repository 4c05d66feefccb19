// One fresh process, one measurement: how long a contender takes from nothing loaded to the
// first answer (module load, which compiles and instantiates our wasm, then one validation).
// Ours is loaded as users load the package; the peers from their minified bundles.
//   node benches/startup-probe.mjs ours|ajv|zod|valibot|empty|wasm-compile
// Prints one JSON line: { load_ms, first_ms, total_ms } in wall time, and cpu_ms, the process's
// CPU time for the whole (lib/clock.mjs).
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { cpuNs } from "./lib/clock.mjs";
import { PKG, packageEntry } from "./lib/ours.mjs";

const BODY =
  '{"app_display_name":"Element","app_id":"im.vector.app.android","append":false,' +
  '"data":{"format":"event_id_only","url":"https://matrix.org/_matrix/push/v1/notify"},' +
  '"device_display_name":"Pixel 8","kind":"http","lang":"en-US","profile_tag":"Wtr8x2Ab",' +
  '"pushkey":"fcm:APA91bH3x9Ldq0Kb7y1Z-example-token"}';
const contender = process.argv[2];
const entry = {
  ours: () => pathToFileURL(packageEntry()).href,
  // Peers from the minified bundles that size.mjs writes: what a worker would ship and load.
  ajv: () => new URL("./work/bundles/ajv.min.mjs", import.meta.url).href,
  zod: () => new URL("./work/bundles/zod.min.mjs", import.meta.url).href,
  valibot: () => new URL("./work/bundles/valibot.min.mjs", import.meta.url).href,
  // The floor: importing a one-line module and calling it (Node's module loading alone).
  empty: () => new URL("./work/bundles/empty.mjs", import.meta.url).href,
};

if (contender === "wasm-compile") {
  // Compile alone: the .wasm file's bytes to a WebAssembly.Module (no instantiation).
  const file = readdirSync(PKG, { recursive: true }).find((f) => String(f).endsWith(".wasm"));
  const bytes = readFileSync(join(PKG, String(file)));
  const c0 = cpuNs();
  const t0 = performance.now();
  new WebAssembly.Module(bytes);
  const t1 = performance.now();
  const cpu = (cpuNs() - c0) / 1e6;
  console.log(JSON.stringify({ load_ms: t1 - t0, first_ms: 0, total_ms: t1 - t0, cpu_ms: cpu }));
} else {
  const url = entry[contender]();
  const input = contender === "ours" ? new TextEncoder().encode(BODY) : BODY;
  const c0 = cpuNs();
  const t0 = performance.now();
  const mod = await import(url);
  const t1 = performance.now();
  const ok = contender === "ours" ? mod.validate(input).ok : mod.validateText(input).ok;
  const t2 = performance.now();
  const cpu = (cpuNs() - c0) / 1e6;
  if (ok !== true) throw new Error(`startup: ${contender} rejected the sample body`);
  console.log(JSON.stringify({ load_ms: t1 - t0, first_ms: t2 - t1, total_ms: t2 - t0, cpu_ms: cpu }));
}
