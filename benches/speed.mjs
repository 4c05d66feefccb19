// Validation speed on the corpus (lib/corpus.mjs): every contender does its whole job from the
// request text, on the same inputs, in interleaved rounds after a warm-up. Each round times one
// contender over the whole corpus (repeated to last about ROUND_MS); the figure is the median of
// the per-payload times, and each ratio is the median of the per-round ratios, pair by pair.
//   node --expose-gc benches/speed.mjs OUT.json
import { writeFileSync } from "node:fs";
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

// Each contender answers one input with its verdict (true when accepted).
const contenders = {
  ours_bytes: (input) => ours.validate(input.bytes, input.options).ok,
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
const wrongOurs = [...new Set(corpus.filter((input, i) => verdicts.ours_bytes[i] !== input.expectOk).map((c) => c.name))];

let sink = 0;
function pass(fn) {
  for (let i = 0; i < corpus.length; i++) sink += fn(corpus[i]) ? 1 : 0;
}
function timeRound(fn, reps) {
  globalThis.gc?.();
  const t0 = process.hrtime.bigint();
  for (let r = 0; r < reps; r++) pass(fn);
  return Number(process.hrtime.bigint() - t0) / (reps * corpus.length);
}

// Warm-up, then how many passes make a round of about ROUND_MS for each contender.
const reps = {};
for (const n of names) {
  const t0 = performance.now();
  let passes = 0;
  while (performance.now() - t0 < 200) {
    pass(contenders[n]);
    passes++;
  }
  reps[n] = Math.max(1, Math.round((passes * ROUND_MS) / (performance.now() - t0)));
}
for (let w = 0; w < WARMUP_ROUNDS; w++) for (const n of names) timeRound(contenders[n], reps[n]);

const samples = Object.fromEntries(names.map((n) => [n, []]));
for (let r = 0; r < ROUNDS; r++) {
  // Rotate the order so that no contender always runs right after the same one.
  for (let k = 0; k < names.length; k++) {
    const n = names[(r + k) % names.length];
    samples[n].push(timeRound(contenders[n], reps[n]));
  }
}

const pairRatio = (a, b) => round(median(samples[a].map((t, r) => t / samples[b][r])));
const result = {
  corpus: {
    inputs: corpus.length,
    client_inputs: corpus.filter((c) => c.group === "client").length,
    client_payloads: new Set(corpus.filter((c) => c.group === "client").map((c) => c.name)).size,
    rejects: corpus.filter((c) => c.group === "reject").length,
    bytes_total: corpus.reduce((s, c) => s + c.bytes.length, 0),
    ours_disagrees_with_fixture: wrongOurs,
  },
  method: { rounds: ROUNDS, warmup_rounds: WARMUP_ROUNDS, round_ms: ROUND_MS, passes_per_round: reps },
  contenders: Object.fromEntries(
    names.map((n) => {
      const ns = median(samples[n]);
      return [n, { ns_per_payload: round(ns), payloads_per_s: round(1e9 / ns), ...differences[n] }];
    }),
  ),
  ratio_bytes_vs_ajv: pairRatio("ours_bytes", "ajv"),
  ratio_bytes_vs_zod: pairRatio("ours_bytes", "zod"),
  ratio_bytes_vs_valibot: pairRatio("ours_bytes", "valibot"),
  ratio_object_vs_ajv: pairRatio("ours_object", "ajv"),
  ratio_object_vs_zod: pairRatio("ours_object", "zod"),
  ratio_object_vs_valibot: pairRatio("ours_object", "valibot"),
  ratio_text_vs_ajv: pairRatio("ours_text", "ajv"),
  sink,
};
if (out) writeFileSync(out, JSON.stringify(result, null, 2));
for (const n of names) console.log(`speed: ${n.padEnd(12)} ${result.contenders[n].ns_per_payload} ns/payload`);
console.log(`speed: ratio_bytes_vs_ajv ${result.ratio_bytes_vs_ajv}`);
