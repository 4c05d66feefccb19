// Validation speed on the corpus (lib/corpus.mjs): every contender does its whole job from the
// request text, on the same inputs, in interleaved rounds after a warm-up. Each round times one
// contender over the whole corpus (repeated to last about ROUND_MS); the figure is the median of
// the per-payload times, and each ratio is the median of the per-round ratios, pair by pair.
// Rounds are timed by the process's CPU time (lib/clock.mjs), wall time kept beside it.
//   node --expose-gc benches/speed.mjs OUT.json
import { existsSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { cpuNs, wallNs } from "./lib/clock.mjs";
import { benchCorpus } from "./lib/corpus.mjs";
import { loadOurs } from "./lib/ours.mjs";
import { median, round } from "./lib/stats.mjs";

const FULL = process.env.BENCH_FULL === "1";
const ROUNDS = FULL ? 41 : 15;
const WARMUP_ROUNDS = FULL ? 8 : 4;
const ROUND_MS = FULL ? 60 : 25;
const out = process.argv[2];

const corpus = benchCorpus();
if (corpus.length === 0) throw new Error("speed: the corpus is empty (tests/fixtures)");
const ours = await loadOurs();
const peers = {
  ajv: await import("./peers/ajv.mjs"),
  zod: await import("./peers/zod.mjs"),
  valibot: await import("./peers/valibot.mjs"),
};

// The benchmark's second module (bridge-build.mjs), when built: the serde-wasm-bindgen bridge
// and a js-sys view beside the JSON-text boundary, default options only.
const bridgeFile = new URL("./work/bridge/matrix_pusher_validator.js", import.meta.url);
const bridge = existsSync(bridgeFile) ? createRequire(import.meta.url)(bridgeFile.pathname) : null;
// The deserializer starts from an already-parsed object: parsed once here, outside the timing.
for (const input of corpus) {
  try {
    input.object = JSON.parse(input.text);
  } catch {
    input.object = undefined;
  }
}

/** What a worker reads of `check`: the verdict, then the pusher text and key, or the problems. */
function readChecked(c) {
  if (c.ok) return c.appId !== null && c.pushkey !== null && (c.action === "delete" || c.pusherJson !== null);
  // A rejection: false, after reading what the error response carries.
  return !(c.errcode && c.error && c.errors.length > 0 && c.warnings);
}

// Each contender answers one input with its verdict (true when accepted). `ours_bytes`,
// `ours_text` and `ours_object` build the full outcome object (`validate`); `*_verdict` the
// verdict alone (`verdict`); `ours_bytes_check` what the worker reads (`check`).
const contenders = {
  ours_bytes: (input) => ours.validate(input.bytes, input.options).ok,
  ours_bytes_verdict: (input) => ours.verdict(input.bytes, input.options).ok,
  ours_bytes_check: (input) => readChecked(ours.check(input.bytes, input.options)),
  ours_text_verdict: (input) => ours.verdict(input.text, input.options).ok,
  ours_object_verdict: (input) => {
    let body;
    try {
      body = JSON.parse(input.text);
    } catch {
      return false;
    }
    return ours.verdict(body, input.options).ok;
  },
  ours_object: (input) => {
    let body;
    try {
      body = JSON.parse(input.text);
    } catch {
      return false;
    }
    return ours.validate(body, input.options).ok;
  },
  ours_text: (input) => ours.validate(input.text, input.options).ok,
  ajv: (input) => peers.ajv.validateText(input.text).ok,
  zod: (input) => peers.zod.validateText(input.text).ok,
  valibot: (input) => peers.valibot.validateText(input.text).ok,
};
if (bridge !== null) {
  // From the parsed object: today's way (its JSON text validated as a string) and the bridge's.
  contenders.bridge_object_text = (input) =>
    input.object !== undefined && JSON.parse(bridge.textToText(JSON.stringify(input.object))).ok;
  contenders.bridge_object_swb = (input) =>
    input.object !== undefined && JSON.parse(bridge.swbValueToText(input.object)).ok;
  // The outcome object: JSON text and JSON.parse, or built by the bridge's serializer.
  contenders.bridge_bytes_text = (input) => JSON.parse(bridge.bytesToText(input.bytes)).ok;
  contenders.bridge_bytes_swb = (input) => bridge.bytesToObject(input.bytes).ok;
}
const names = Object.keys(contenders);

// Verdicts, once: how each contender's answers differ from ours (from bytes).
const verdicts = Object.fromEntries(names.map((n) => [n, corpus.map((input) => contenders[n](input))]));
const differences = {};
for (const n of names) {
  const acceptsWeReject = [];
  const rejectsWeAccept = [];
  corpus.forEach((input, i) => {
    if (verdicts[n][i] && !verdicts.ours_bytes[i]) acceptsWeReject.push(input.name);
    if (!verdicts[n][i] && verdicts.ours_bytes[i]) rejectsWeAccept.push(input.name);
  });
  differences[n] = {
    accepted: verdicts[n].filter(Boolean).length,
    acceptsWeReject: [...new Set(acceptsWeReject)],
    rejectsWeAccept: [...new Set(rejectsWeAccept)],
  };
}
// The bridge agrees with the package where the options are the defaults.
const bridgeDisagrees = [];
if (bridge !== null) {
  corpus.forEach((input) => {
    if (input.options !== undefined || input.object === undefined) return;
    // The verdict, the code, the pusher and the warnings (messages for values JSON cannot carry
    // are worded differently).
    const gist = (o) => JSON.stringify([o.ok, o.errcode, o.pusher, o.warnings]);
    const read = gist(JSON.parse(bridge.swbValueToText(input.object))) === gist(ours.validate(input.object));
    const built = JSON.stringify(bridge.bytesToObject(input.bytes)) === JSON.stringify(ours.validate(input.bytes));
    if (!read || !built) bridgeDisagrees.push(input.name);
  });
}
const wrongOurs = [
  ...new Set(corpus.filter((input, i) => verdicts.ours_bytes[i] !== input.expectOk).map((c) => c.name)),
];

let sink = 0;
function pass(fn, inputs = corpus) {
  for (let i = 0; i < inputs.length; i++) sink += fn(inputs[i]) ? 1 : 0;
}
/**
 * One round over `inputs`: [CPU ns, wall ns] per payload; a full collection first unless
 * `collect` is false.
 */
function timeRound(fn, reps, collect = true, inputs = corpus) {
  if (collect) globalThis.gc?.();
  const c0 = cpuNs();
  const w0 = wallNs();
  for (let r = 0; r < reps; r++) pass(fn, inputs);
  const w = wallNs() - w0;
  const c = cpuNs() - c0;
  return [c / (reps * inputs.length), w / (reps * inputs.length)];
}

// Warm-up, then how many passes make a round of about ROUND_MS for each contender.
const reps = {};
const clock = () => cpuNs() / 1e6;
for (const n of names) {
  const t0 = clock();
  let passes = 0;
  while (clock() - t0 < 200) {
    pass(contenders[n]);
    passes++;
  }
  reps[n] = Math.max(1, Math.round((passes * ROUND_MS) / (clock() - t0)));
}
for (let w = 0; w < WARMUP_ROUNDS; w++) for (const n of names) timeRound(contenders[n], reps[n]);

const samples = Object.fromEntries(names.map((n) => [n, []]));
const wall = Object.fromEntries(names.map((n) => [n, []]));
for (let r = 0; r < ROUNDS; r++) {
  // Rotate the order so that no contender always runs right after the same one.
  for (let k = 0; k < names.length; k++) {
    const n = names[(r + k) % names.length];
    const [cpu, w] = timeRound(contenders[n], reps[n]);
    samples[n].push(cpu);
    wall[n].push(w);
  }
}

const pairRatio = (a, b) =>
  samples[a] && samples[b] ? round(median(samples[a].map((t, r) => t / samples[b][r]))) : null;

// The same rounds for the package's two main paths and ajv without the full collection before
// each round: the heap as a long-running process has it between major collections. (After a
// collection the next calls run slower for a while, the package's more than ajv's: the engine
// makes some of their optimized code again.)
const STEADY = ["ours_bytes", "ours_bytes_verdict", "ajv"];
const steadySamples = Object.fromEntries(STEADY.map((n) => [n, []]));
for (let r = 0; r < ROUNDS; r++) {
  for (let k = 0; k < STEADY.length; k++) {
    const n = STEADY[(r + k) % STEADY.length];
    steadySamples[n].push(timeRound(contenders[n], reps[n], false)[0]);
  }
}
const steadyRatio = (a, b) => round(median(steadySamples[a].map((t, r) => t / steadySamples[b][r])));

// The same three on the accepted real-client payloads alone, each once (no rejects, which the
// package answers in a fraction of ajv's time): what a server that sees only real clients gets.
const clientsOnly = [...new Map(corpus.filter((c) => c.group === "client").map((c) => [c.name, c])).values()];
const clientSamples = Object.fromEntries(STEADY.map((n) => [n, []]));
const clientReps = Object.fromEntries(
  STEADY.map((n) => [n, Math.max(1, Math.round((reps[n] * corpus.length) / clientsOnly.length))]),
);
for (let w = 0; w < WARMUP_ROUNDS; w++)
  for (const n of STEADY) timeRound(contenders[n], clientReps[n], true, clientsOnly);
for (let r = 0; r < ROUNDS; r++) {
  for (let k = 0; k < STEADY.length; k++) {
    const n = STEADY[(r + k) % STEADY.length];
    clientSamples[n].push(timeRound(contenders[n], clientReps[n], true, clientsOnly)[0]);
  }
}
const clientRatio = (a, b) => round(median(clientSamples[a].map((t, r) => t / clientSamples[b][r])));

/** js-sys: reading the pusher's range of the last outcome, one call each or one Uint32Array. */
function infoCrossing() {
  if (bridge === null) return null;
  // A set (only a set has a pusher range).
  const body = corpus.find(
    (input) => input.group === "client" && input.options === undefined && input.text.includes('"kind":"http"'),
  ).bytes;
  bridge.validateForRange(body);
  const N = FULL ? 400_000 : 100_000;
  const time = (fn) => {
    let best = Infinity;
    for (let k = 0; k < 5; k++) {
      const c0 = cpuNs();
      for (let i = 0; i < N; i++) sink += fn();
      best = Math.min(best, (cpuNs() - c0) / N);
    }
    return round(best);
  };
  const calls = () => bridge.pusherStart() + bridge.pusherEnd();
  const array = () => {
    const view = bridge.pusherRange();
    return view[0] + view[1];
  };
  if (calls() !== array() || calls() === 0) throw new Error("speed: pusherRange and pusherStart/pusherEnd disagree");
  return { two_calls_ns: time(calls), one_uint32array_ns: time(array) };
}

const result = {
  corpus: {
    inputs: corpus.length,
    client_inputs: corpus.filter((c) => c.group === "client").length,
    client_payloads: new Set(corpus.filter((c) => c.group === "client").map((c) => c.name)).size,
    rejects: corpus.filter((c) => c.group === "reject").length,
    bytes_total: corpus.reduce((s, c) => s + c.bytes.length, 0),
    ours_disagrees_with_fixture: wrongOurs,
  },
  method: {
    rounds: ROUNDS,
    warmup_rounds: WARMUP_ROUNDS,
    round_ms: ROUND_MS,
    passes_per_round: reps,
    clock: "process CPU time (user + system)",
  },
  ratio_bytes_vs_ajv_wall: round(median(wall.ours_bytes.map((t, r) => t / wall.ajv[r]))),
  contenders: Object.fromEntries(
    names.map((n) => {
      const ns = median(samples[n]);
      return [
        n,
        {
          ns_per_payload: round(ns),
          payloads_per_s: round(1e9 / ns),
          wall_ns_per_payload: round(median(wall[n])),
          ...differences[n],
        },
      ];
    }),
  ),
  ratio_bytes_vs_ajv: pairRatio("ours_bytes", "ajv"),
  ratio_bytes_vs_zod: pairRatio("ours_bytes", "zod"),
  ratio_bytes_vs_valibot: pairRatio("ours_bytes", "valibot"),
  ratio_object_vs_ajv: pairRatio("ours_object", "ajv"),
  ratio_object_vs_zod: pairRatio("ours_object", "zod"),
  ratio_object_vs_valibot: pairRatio("ours_object", "valibot"),
  ratio_text_vs_ajv: pairRatio("ours_text", "ajv"),
  ratio_bytes_verdict_vs_ajv: pairRatio("ours_bytes_verdict", "ajv"),
  ratio_text_verdict_vs_ajv: pairRatio("ours_text_verdict", "ajv"),
  ratio_object_verdict_vs_ajv: pairRatio("ours_object_verdict", "ajv"),
  ratio_bytes_check_vs_ajv: pairRatio("ours_bytes_check", "ajv"),
  without_collection: {
    note: "the same rounds with no full collection before each",
    ns_per_payload: Object.fromEntries(STEADY.map((n) => [n, round(median(steadySamples[n]))])),
    ratio_bytes_vs_ajv: steadyRatio("ours_bytes", "ajv"),
    ratio_bytes_verdict_vs_ajv: steadyRatio("ours_bytes_verdict", "ajv"),
  },
  accepted_clients: {
    note: "the same contenders on the accepted real-client payloads alone, each once, a full collection before each round",
    payloads: clientsOnly.length,
    ns_per_payload: Object.fromEntries(STEADY.map((n) => [n, round(median(clientSamples[n]))])),
    ratio_bytes_vs_ajv: clientRatio("ours_bytes", "ajv"),
    ratio_bytes_verdict_vs_ajv: clientRatio("ours_bytes_verdict", "ajv"),
  },
  bridge:
    bridge === null
      ? null
      : {
          note: "serde-wasm-bindgen and js-sys in a second module (feature bench-serde-wasm-bindgen), default options",
          disagrees_with_package: bridgeDisagrees,
          ratio_deserializer_vs_text: pairRatio("bridge_object_swb", "bridge_object_text"),
          ratio_serializer_vs_text: pairRatio("bridge_bytes_swb", "bridge_bytes_text"),
          // The package's own way to the outcome object (its pieces, src/wasm.rs), same core and
          // release settings in the package's module.
          ratio_serializer_vs_pieces: pairRatio("bridge_bytes_swb", "ours_bytes"),
          info: infoCrossing(),
        },
  sink,
};
if (out) writeFileSync(out, JSON.stringify(result, null, 2));
for (const n of names) console.log(`speed: ${n.padEnd(20)} ${result.contenders[n].ns_per_payload} ns/payload`);
if (result.bridge) console.log(`speed: bridge ${JSON.stringify(result.bridge)}`);
console.log(`speed: ratio_bytes_vs_ajv ${result.ratio_bytes_vs_ajv}`);
console.log(`speed: accepted clients alone ${JSON.stringify(result.accepted_clients)}`);
