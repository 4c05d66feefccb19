// The headline figures of a run, flat, and the goals checked against them.

import { BUDGET_GZIP_BYTES } from "./package-size.mjs";

/** The named figures, flat, from the stages' results (null where a stage did not run). */
export function figures(r) {
  const s = r.service ?? {};
  const k = r.kv_ops;
  const set = k?.types?.new;
  return {
    ratio_bytes_vs_ajv: r.speed?.ratio_bytes_vs_ajv ?? null,
    ratio_bytes_vs_zod: r.speed?.ratio_bytes_vs_zod ?? null,
    ratio_bytes_vs_valibot: r.speed?.ratio_bytes_vs_valibot ?? null,
    ratio_object_vs_ajv: r.speed?.ratio_object_vs_ajv ?? null,
    ours_bytes_ns_per_payload: r.speed?.contenders.ours_bytes.ns_per_payload ?? null,
    ratio_bytes_verdict_vs_ajv: r.speed?.ratio_bytes_verdict_vs_ajv ?? null,
    ratio_bytes_check_vs_ajv: r.speed?.ratio_bytes_check_vs_ajv ?? null,
    native_ns_per_payload: r.native?.native_ns_per_payload ?? null,
    native_instructions_per_payload: r.native?.instructions_per_payload?.json ?? null,
    ratio_startup_vs_ajv: r.startup?.ratio_vs_ajv ?? null,
    ratio_swb_deserializer_vs_text: r.speed?.bridge?.ratio_deserializer_vs_text ?? null,
    ratio_swb_serializer_vs_text: r.speed?.bridge?.ratio_serializer_vs_text ?? null,
    ratio_swb_serializer_vs_pieces: r.speed?.bridge?.ratio_serializer_vs_pieces ?? null,
    ratio_bytes_vs_ajv_accepted_clients: r.speed?.accepted_clients?.ratio_bytes_vs_ajv ?? null,
    ratio_bytes_verdict_vs_ajv_accepted_clients: r.speed?.accepted_clients?.ratio_bytes_verdict_vs_ajv ?? null,
    ratio_bytes_vs_ajv_without_collection: r.speed?.without_collection?.ratio_bytes_vs_ajv ?? null,
    ratio_bytes_verdict_vs_ajv_without_collection: r.speed?.without_collection?.ratio_bytes_verdict_vs_ajv ?? null,
    wasm_glue_gzip_bytes: r.size?.wasm_glue_gzip_bytes ?? null,
    wasm_glue_brotli_bytes: r.size?.wasm_glue_brotli_bytes ?? null,
    startup_ms: r.startup?.startup_ms ?? null,
    worker_set_rps: s.worker_set_rps ?? null,
    worker_set_p50_ms: s.worker_set_p50_ms ?? null,
    worker_set_p99_ms: s.worker_set_p99_ms ?? null,
    worker_list_rps: s.worker_list_rps ?? null,
    worker_list_p50_ms: s.worker_list_p50_ms ?? null,
    worker_list_p99_ms: s.worker_list_p99_ms ?? null,
    synapse_set_rps: s.synapse_set_rps ?? null,
    synapse_set_p50_ms: s.synapse_set_p50_ms ?? null,
    synapse_set_p99_ms: s.synapse_set_p99_ms ?? null,
    synapse_list_rps: s.synapse_list_rps ?? null,
    synapse_list_p50_ms: s.synapse_list_p50_ms ?? null,
    synapse_list_p99_ms: s.synapse_list_p99_ms ?? null,
    kv_ceiling_rps: s.kv_ceiling_rps ?? null,
    kv_ceiling_p99_ms: s.kv_ceiling_p99_ms ?? null,
    ratio_set_worker_vs_synapse: s.ratio_set_worker_vs_synapse ?? null,
    ratio_set_worker_vs_ceiling: s.ratio_set_worker_vs_ceiling ?? null,
    worker_mix_rps: s.worker_mix_rps ?? null,
    worker_mix_p99_ms: s.worker_mix_p99_ms ?? null,
    synapse_mix_rps: s.synapse_mix_rps ?? null,
    synapse_mix_p99_ms: s.synapse_mix_p99_ms ?? null,
    ratio_mix_worker_vs_synapse: s.ratio_mix_worker_vs_synapse ?? null,
    set_kv_writes: set ? set.put : null,
    gateway_overhead_p50_ms: r.gateway?.gateway_overhead_p50_ms ?? null,
    gateway_overhead_p99_ms: r.gateway?.gateway_overhead_p99_ms ?? null,
    gateway_cpu_ms_per_set: r.gateway?.gateway_cpu_ms_per_set ?? null,
    unchanged_set_kv_writes: k?.types ? k.types.unchanged.put + k.types.unchanged.delete : null,
    kv_usd_per_million_mix: k?.mix?.usd_per_million_requests ?? null,
    kv_free_plan_mix_requests_per_day: k?.mix?.free_plan_requests_per_day ?? null,
  };
}

/** Each goal: what it asks, the measured value, and whether it is met (null: not measured). */
export function goals(r) {
  const f = figures(r);
  const k = r.kv_ops;
  const known = (...values) => values.every((v) => v !== null && v !== undefined);
  const goal = (name, target, value, met) => ({ name, target, value, met: met === undefined ? null : met });
  const t = k?.types;
  const mixKnown = known(f.ratio_mix_worker_vs_synapse);
  return [
    goal(
      "native core per payload",
      "≤ 600 ns",
      f.native_ns_per_payload,
      known(f.native_ns_per_payload) ? f.native_ns_per_payload <= 600 : undefined,
    ),
    goal(
      "verdict from bytes vs ajv",
      "ratio ≤ 0.5",
      f.ratio_bytes_verdict_vs_ajv,
      known(f.ratio_bytes_verdict_vs_ajv) ? f.ratio_bytes_verdict_vs_ajv <= 0.5 : undefined,
    ),
    goal(
      "full outcome object from bytes vs ajv",
      "ratio ≤ 1.0",
      f.ratio_bytes_vs_ajv,
      known(f.ratio_bytes_vs_ajv) ? f.ratio_bytes_vs_ajv <= 1.0 : undefined,
    ),
    goal(
      "verdict from bytes vs ajv, accepted real-client payloads alone",
      "ratio ≤ 0.5",
      f.ratio_bytes_verdict_vs_ajv_accepted_clients,
      known(f.ratio_bytes_verdict_vs_ajv_accepted_clients)
        ? f.ratio_bytes_verdict_vs_ajv_accepted_clients <= 0.5
        : undefined,
    ),
    goal(
      "full outcome object from bytes vs ajv, accepted real-client payloads alone",
      "ratio ≤ 1.0",
      f.ratio_bytes_vs_ajv_accepted_clients,
      known(f.ratio_bytes_vs_ajv_accepted_clients) ? f.ratio_bytes_vs_ajv_accepted_clients <= 1.0 : undefined,
    ),
    goal(
      "start-up (import + first validate) vs ajv standalone",
      "ratio ≤ 1.5",
      f.ratio_startup_vs_ajv,
      known(f.ratio_startup_vs_ajv) ? f.ratio_startup_vs_ajv <= 1.5 : undefined,
    ),
    goal(
      "size, .wasm + glue, gzip",
      `≤ ${BUDGET_GZIP_BYTES.toLocaleString("en")} bytes`,
      f.wasm_glue_gzip_bytes,
      known(f.wasm_glue_gzip_bytes) ? f.wasm_glue_gzip_bytes <= BUDGET_GZIP_BYTES : undefined,
    ),
    goal(
      "start-up: compile, instantiate, first validate",
      "≤ 5 ms",
      f.startup_ms,
      known(f.startup_ms) ? f.startup_ms <= 5 : undefined,
    ),
    goal(
      "mix throughput vs Synapse (85 % unchanged, 5 % changed, 5 % new, 5 % deletes)",
      "≥ 1.5×",
      f.ratio_mix_worker_vs_synapse,
      mixKnown ? f.ratio_mix_worker_vs_synapse >= 1.5 : undefined,
    ),
    goal(
      "mix p99 vs Synapse",
      "lower",
      known(f.worker_mix_p99_ms, f.synapse_mix_p99_ms)
        ? `${f.worker_mix_p99_ms} ms vs ${f.synapse_mix_p99_ms} ms`
        : null,
      known(f.worker_mix_p99_ms, f.synapse_mix_p99_ms) ? f.worker_mix_p99_ms < f.synapse_mix_p99_ms : undefined,
    ),
    goal(
      "set throughput vs Synapse, every set new",
      "≥ 1.5×",
      f.ratio_set_worker_vs_synapse,
      known(f.ratio_set_worker_vs_synapse) ? f.ratio_set_worker_vs_synapse >= 1.5 : undefined,
    ),
    goal(
      "set p99 vs Synapse, every set new",
      "lower",
      known(f.worker_set_p99_ms, f.synapse_set_p99_ms)
        ? `${f.worker_set_p99_ms} ms vs ${f.synapse_set_p99_ms} ms`
        : null,
      known(f.worker_set_p99_ms, f.synapse_set_p99_ms) ? f.worker_set_p99_ms < f.synapse_set_p99_ms : undefined,
    ),
    goal(
      "KV operations per request type as tests/worker/kv-budget.mjs says",
      "all",
      k ? (k.matches_table ? "all" : k.mismatches.join("; ")) : null,
      k ? k.matches_table : undefined,
    ),
    goal(
      "KV writes of an unchanged set",
      "0",
      t ? t.unchanged.put + t.unchanged.delete : null,
      t ? t.unchanged.put + t.unchanged.delete === 0 : undefined,
    ),
    goal("KV lists of a replacement", "0", t ? t.replacement.list : null, t ? t.replacement.list === 0 : undefined),
    goal("KV writes per new set", "≤ 2", t ? t.new.put : null, t ? t.new.put <= 2 : undefined),
    goal(
      "KV deletes per displaced holder",
      "≤ 1",
      t ? t.displacing.delete - t.new.delete : null,
      t ? t.displacing.delete - t.new.delete <= 1 : undefined,
    ),
    goal(
      "KV calls per list",
      "one list call",
      t ? `${t.list.list} list, ${t.list.get} get` : null,
      t ? t.list.list === 1 && t.list.get === 0 && t.list.put === 0 : undefined,
    ),
    goal(
      "token read from KV",
      "not on every request",
      t ? `first use ${t.token_first_use.get}, then ${t.list.get}` : null,
      t ? t.list.get === 0 : undefined,
    ),
    goal(
      "gateway overhead on a set, p50",
      "≤ 2 ms",
      f.gateway_overhead_p50_ms,
      known(f.gateway_overhead_p50_ms) ? f.gateway_overhead_p50_ms <= 2 : undefined,
    ),
  ];
}
