// Writes benches/RESULTS.md and benches/chart.svg from benches/results.json (and the hand-written
// analysis in benches/analysis.md, when there is one).
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { goals } from "./lib/goals.mjs";

const here = fileURLToPath(new URL(".", import.meta.url));
const r = JSON.parse(readFileSync(`${here}results.json`, "utf8"));

const fmt = (n, digits = 3) => {
  if (n === null || n === undefined || Number.isNaN(n)) return "–";
  if (typeof n !== "number") return String(n);
  const abs = Math.abs(n);
  if (abs >= 1000) return Math.round(n).toLocaleString("en-US");
  return String(Number(n.toPrecision(digits)));
};
const kb = (bytes) => (bytes === null || bytes === undefined ? "–" : `${(bytes / 1024).toFixed(1)} KiB`);
// `align`: one letter a column, l or r; by default the first column left, the others right.
const table = (head, rows, align = `l${"r".repeat(head.length - 1)}`) =>
  [
    `| ${head.join(" | ")} |`,
    `|${head.map((_h, i) => (align[i] === "r" ? "---:" : "---")).join("|")}|`,
    ...rows.map((row) => `| ${row.join(" | ")} |`),
  ].join("\n");

const g = goals(r);
const out = [];
out.push("# Benchmarks");
out.push("");
out.push(
  `\`make bench\` (${r.mode} run${r.mode === "quick" ? "; `BENCH_FULL=1 make bench` for the long one" : ""}), ${r.date.slice(0, 16).replace("T", " ")} UTC, commit \`${r.versions.commit}\`. ` +
    "Every figure below comes from that one run, on the machine described under *Machine*; the raw numbers are in `results.json`.",
);
out.push("");
out.push("![Validation time, size and service throughput](chart.svg)");
out.push("");
out.push("## Goals");
out.push("");
out.push(
  table(
    ["goal", "target", "measured", "met"],
    g.map((x) => [x.name, x.target, fmt(x.value), x.met === null ? "–" : x.met ? "yes" : "**no**"]),
  ),
);
out.push("");

// ---- analysis (hand-written, from profiling) ----
if (existsSync(`${here}analysis.md`)) {
  out.push(readFileSync(`${here}analysis.md`, "utf8").trim());
  out.push("");
}

// ---- 1. speed ----
const sp = r.speed;
if (sp) {
  const c = sp.contenders;
  const describe = {
    ours_bytes: "`validate(bytes)`: the UTF-8 bytes of the request, the whole outcome object",
    ours_text: "`validate(text)`: the request text as a string",
    ours_object: "`JSON.parse(text)`, then `validate(object)` (the browser path)",
    ours_bytes_verdict: "`verdict(bytes)`: the verdict alone, no outcome written",
    ours_text_verdict: "`verdict(text)`",
    ours_object_verdict: "`JSON.parse(text)`, then `verdict(object)`",
    ours_bytes_check:
      "`check(bytes)`, reading what the worker reads (pusher text, app_id, pushkey; problems when rejected): the worker path",
    bridge_object_text:
      "second module: a parsed object's `JSON.stringify` text validated, outcome text, `JSON.parse` (no faithfulness walk)",
    bridge_object_swb:
      "second module: a parsed object read by serde-wasm-bindgen's deserializer, outcome text, `JSON.parse`",
    bridge_bytes_text: "second module: bytes, outcome text, `JSON.parse`",
    bridge_bytes_swb: "second module: bytes, outcome object built by serde-wasm-bindgen's serializer",
    ajv: "`JSON.parse(text)`, then ajv's standalone validator (allErrors)",
    zod: "`JSON.parse(text)`, then `safeParse` (zod 4, jitless)",
    valibot: "`JSON.parse(text)`, then `safeParse` (valibot)",
  };
  out.push("## 1. Validation speed");
  out.push("");
  out.push(
    `The corpus: every reject of the fixture corpus (${sp.corpus.rejects}; the three 64–70 KB size cases left out) and its ${sp.corpus.client_payloads} accepted real-client payloads (tag \`client\`), ` +
      `each repeated to make ${fmt(sp.corpus.client_inputs)} inputs, so that 80 % are clients and 20 % rejects (${fmt(sp.corpus.inputs)} inputs, ${fmt(sp.corpus.bytes_total)} bytes, in a fixed shuffled order). ` +
      `Each round times one contender over the whole corpus, repeated to last about ${sp.method.round_ms} ms; ${sp.method.rounds} rounds after ${sp.method.warmup_rounds} of warm-up, ` +
      "contenders interleaved in a rotating order. A round is timed by the process's CPU time, all threads (so that time other processes hold the CPU is not counted; wall time beside it); " +
      "time per payload is the median over rounds, and each ratio is the median of the per-round ratios. " +
      "Peers are handed the text already decoded (a worker would pay for `request.text()`); ours from bytes is handed the bytes.",
  );
  out.push("");
  out.push(
    table(
      [
        "contender",
        "starts from",
        "ns / payload (CPU)",
        "ns / payload (wall)",
        "ours (bytes) ÷ it",
        "accepts",
        "accepts what we reject",
        "rejects what we accept",
      ],
      Object.entries(c).map(([name, x]) => [
        `\`${name}\``,
        describe[name] ?? "",
        fmt(x.ns_per_payload),
        fmt(x.wall_ns_per_payload),
        name === "ajv"
          ? fmt(sp.ratio_bytes_vs_ajv)
          : name === "zod"
            ? fmt(sp.ratio_bytes_vs_zod)
            : name === "valibot"
              ? fmt(sp.ratio_bytes_vs_valibot)
              : "",
        `${fmt(x.accepted)} / ${fmt(sp.corpus.inputs)}`,
        String(x.acceptsWeReject.length),
        String(x.rejectsWeAccept.length),
      ]),
      "llrrrrrr",
    ),
  );
  out.push("");
  out.push(
    `\`ratio_bytes_vs_ajv\` = **${fmt(sp.ratio_bytes_vs_ajv)}**, \`ratio_bytes_vs_zod\` = ${fmt(sp.ratio_bytes_vs_zod)}, \`ratio_bytes_vs_valibot\` = ${fmt(sp.ratio_bytes_vs_valibot)}; ` +
      `from a parsed object: ${fmt(sp.ratio_object_vs_ajv)} × ajv, ${fmt(sp.ratio_object_vs_zod)} × zod, ${fmt(sp.ratio_object_vs_valibot)} × valibot.`,
  );
  out.push("");
  out.push(
    table(
      ["package path", "full outcome object ÷ ajv", "verdict ÷ ajv"],
      [
        ["bytes", fmt(sp.ratio_bytes_vs_ajv), fmt(sp.ratio_bytes_verdict_vs_ajv)],
        ["text", fmt(sp.ratio_text_vs_ajv), fmt(sp.ratio_text_verdict_vs_ajv)],
        ["object (after `JSON.parse`)", fmt(sp.ratio_object_vs_ajv), fmt(sp.ratio_object_verdict_vs_ajv)],
        ["bytes, `check` (what the worker reads)", fmt(sp.ratio_bytes_check_vs_ajv), ""],
      ],
      "lrr",
    ),
  );
  const wc = sp.without_collection;
  if (wc) {
    out.push("");
    out.push(
      `Each round above starts with a full collection (\`gc()\`), so that no contender pays for another's garbage. ` +
        `The same rounds without it, for the package's two main paths: \`validate(bytes)\` ${fmt(wc.ns_per_payload.ours_bytes)} ns (${fmt(wc.ratio_bytes_vs_ajv)}× ajv's ${fmt(wc.ns_per_payload.ajv)} ns), ` +
        `\`verdict(bytes)\` ${fmt(wc.ns_per_payload.ours_bytes_verdict)} ns (${fmt(wc.ratio_bytes_verdict_vs_ajv)}×).`,
    );
  }
  const ac = sp.accepted_clients;
  if (ac) {
    out.push("");
    out.push(
      `On the ${ac.payloads} accepted real-client payloads alone, each once (no rejects, which the package answers in a fraction of ajv's time), same method: ` +
        `\`validate(bytes)\` ${fmt(ac.ns_per_payload.ours_bytes)} ns (${fmt(ac.ratio_bytes_vs_ajv)}× ajv's ${fmt(ac.ns_per_payload.ajv)} ns), ` +
        `\`verdict(bytes)\` ${fmt(ac.ns_per_payload.ours_bytes_verdict)} ns (${fmt(ac.ratio_bytes_verdict_vs_ajv)}×).`,
    );
  }
  const br = sp.bridge;
  if (br) {
    out.push("");
    out.push("### serde-wasm-bindgen and js-sys, measured");
    out.push("");
    out.push(
      "A second module, the crate built with the feature `bench-serde-wasm-bindgen` (`src/bench_bridge.rs`, the package's release settings, `--target nodejs`), " +
        "runs both ways side by side on the same corpus, default options. Ratios are medians of per-round ratios (above 1: the bridge is slower).",
    );
    out.push("");
    out.push(
      table(
        ["what crosses", "JSON-text boundary (ns)", "serde-wasm-bindgen (ns)", "bridge ÷ text"],
        [
          [
            "a parsed object in (deserializer)",
            fmt(c.bridge_object_text?.ns_per_payload),
            fmt(c.bridge_object_swb?.ns_per_payload),
            fmt(br.ratio_deserializer_vs_text),
          ],
          [
            "the outcome object out (serializer)",
            fmt(c.bridge_bytes_text?.ns_per_payload),
            fmt(c.bridge_bytes_swb?.ns_per_payload),
            fmt(br.ratio_serializer_vs_text),
          ],
        ],
        "lrrr",
      ),
    );
    if (br.ratio_serializer_vs_pieces !== undefined) {
      out.push("");
      out.push(
        `The package itself builds the outcome object from pieces (its strings unescaped, their ends in wasm memory; \`validate(bytes)\` above, ${fmt(c.ours_bytes?.ns_per_payload)} ns): ` +
          `the serializer takes ${fmt(br.ratio_serializer_vs_pieces)}× its time.`,
      );
    }
    if (br.info) {
      out.push("");
      out.push(
        `js-sys: the pusher's range in the outcome text read by two calls (\`pusherStart\`, \`pusherEnd\`) takes ${fmt(br.info.two_calls_ns)} ns, ` +
          `as one \`js_sys::Uint32Array\` ${fmt(br.info.one_uint32array_ns)} ns.`,
      );
    }
    if (br.disagrees_with_package.length) {
      out.push("");
      out.push(
        `Where the bridge's outcome differs from the package's (default options): ${br.disagrees_with_package.join(", ")}.`,
      );
    }
  }
  const nv = r.native;
  if (nv) {
    out.push("");
    out.push("### The core natively");
    out.push("");
    out.push(
      `The profile binary (\`benches/profile/\`, release) over the ${fmt(nv.bodies)} corpus inputs without options (${fmt(nv.bytes_per_payload)} bytes on average), median of rounds: ` +
        `\`native_ns_per_payload\` (the outcome's JSON text, what the module runs) = **${fmt(nv.native_ns_per_payload)}** ns; the owned \`Outcome\` (Rust API) ${fmt(nv.outcome_ns_per_payload)} ns` +
        (nv.instructions_per_payload
          ? `; instructions per payload (callgrind): ${fmt(nv.instructions_per_payload.json)} and ${fmt(nv.instructions_per_payload.outcome)}.`
          : "."),
    );
  }
  if (sp.corpus.ours_disagrees_with_fixture.length) {
    out.push("");
    out.push(
      `Cases where our verdict differs from the fixture's expectation: ${sp.corpus.ours_disagrees_with_fixture.join(", ")}.`,
    );
  }
  out.push("");
  out.push("### What each contender checks");
  out.push("");
  out.push(
    "The peers share one schema of the spec's pusher (`peers/pusher.schema.json`, mirrored in `peers/zod.mjs` and `peers/valibot.mjs`): " +
      "required members, JSON types, the enum of kinds with `null` for a delete, 1–64 for `app_id`, 1–512 for `pushkey`, 32 for `profile_tag`, " +
      "and a gateway URL pattern. They check less than we do, so they have less to do:",
  );
  out.push("");
  out.push(
    table(
      ["check", "ours", "ajv / zod / valibot"],
      [
        [
          "strict JSON: duplicate members, lone surrogates, BOM, depth, body size",
          "yes",
          "no (`JSON.parse` keeps the last duplicate)",
        ],
        ["required members, JSON types, `kind` enum, `null` deletes", "yes", "yes"],
        ["`app_id` length 1–64", "yes", "yes"],
        ["`app_id` characters, `m.email` for e-mail, warning without a dot", "yes", "no"],
        ["`pushkey` at most 512", "UTF-8 bytes", "characters (ajv: code points; zod, valibot: UTF-16 units)"],
        ["`pushkey` control characters, e-mail address form", "yes", "no"],
        ["display names: length, control characters", "yes", "type only"],
        ["`lang` a BCP 47 tag, canonical case", "yes", "type only"],
        ["`profile_tag` ≤ 32, `instance_handle` read as `profile_tag`", "yes", "≤ 32 only"],
        ["`data` an object, compact size ≤ 4096", "yes", "object only"],
        ["gateway URL: https, exact path, port 1–65535", "yes", "pattern (port: 1–5 digits)"],
        [
          "gateway URL: host forms (numeric hosts refused, IPv6), private and reserved ranges, WHATWG agreement",
          "yes",
          "no",
        ],
        ["`append` a boolean (`null` read as `false`)", "yes", "boolean only"],
        [
          "output: the normalized pusher, warnings, every problem with a JSON Pointer",
          "yes",
          "ajv: errors only; zod, valibot: a copy, issues",
        ],
      ],
      "lll",
    ),
  );
  out.push("");
}

// ---- 2. size ----
const sz = r.size;
if (sz) {
  const o = sz.contenders.ours;
  out.push("## 2. Size");
  out.push("");
  out.push(
    "Ours: the `.wasm` of the package and its JavaScript glue (the package's Workers entry `workerd.js` with what it imports, bundled and minified by esbuild), each compressed on its own as they are served. " +
      "Peers: their entry (`JSON.parse` + schema + library) bundled with `esbuild --bundle --minify`. gzip level 9, brotli quality 11.",
  );
  out.push("");
  out.push(
    table(
      ["contender", "minified", "gzip", "brotli"],
      [
        [`ours: \`${o.wasm_file}\``, kb(o.wasm.raw), kb(o.wasm.gzip), kb(o.wasm.brotli)],
        ["ours: glue", kb(o.glue.raw), kb(o.glue.gzip), kb(o.glue.brotli)],
        [
          "**ours: .wasm + glue**",
          kb(o.total.raw),
          `**${kb(o.total.gzip)}** (${fmt(o.total.gzip)} B)`,
          kb(o.total.brotli),
        ],
        ...["ajv", "zod", "valibot"].map((p) => [
          p,
          kb(sz.contenders[p].total.raw),
          kb(sz.contenders[p].total.gzip),
          kb(sz.contenders[p].total.brotli),
        ]),
      ],
    ),
  );
  out.push("");
}

// ---- 3. start-up ----
const st = r.startup;
if (st) {
  out.push("## 3. Start-up");
  out.push("");
  out.push(
    `A fresh Node process per measurement (${st.runs} each, interleaved): from nothing loaded to the first answer, in wall time, and the process's CPU time for the same span. ` +
      "Ours is imported as users import the package (the .wasm is read, compiled and instantiated at import; V8 compiles each function lazily on its first call, inside the first validate); the peers from their minified bundles. " +
      "The last row is the floor: Node importing a one-line module. Medians.",
  );
  out.push("");
  const c = st.contenders;
  out.push(
    table(
      ["contender", "load (ms)", "first validate (ms)", "total (ms)", "CPU (ms)"],
      [
        [
          "**ours** (`startup_ms`)",
          fmt(c.ours.load_ms),
          fmt(c.ours.first_ms),
          `**${fmt(st.startup_ms)}**`,
          fmt(c.ours.cpu_ms),
        ],
        ["ours: `new WebAssembly.Module` alone", fmt(st.wasm_compile_ms), "", "", fmt(c["wasm-compile"].cpu_ms)],
        ...["ajv", "zod", "valibot"].map((p) => [
          p,
          fmt(c[p].load_ms),
          fmt(c[p].first_ms),
          fmt(c[p].total_ms),
          fmt(c[p].cpu_ms),
        ]),
        [
          "floor: a one-line module",
          fmt(c.empty.load_ms),
          fmt(c.empty.first_ms),
          fmt(c.empty.total_ms),
          fmt(c.empty.cpu_ms),
        ],
      ],
    ),
  );
  if (st.ratio_vs_ajv !== undefined) {
    out.push("");
    out.push(
      `Ours ÷ ajv standalone, run by run: ${fmt(st.ratio_vs_ajv)} in total time, ${fmt(st.ratio_cpu_vs_ajv)} in CPU time.`,
    );
  }
  out.push("");
}

// ---- 4. service ----
const sv = r.service;
if (sv) {
  const m = sv.method;
  out.push("## 4. The service");
  out.push("");
  out.push(
    `wrk (${m.wrk_threads} threads, ${m.connections} connections, ${m.seconds} s per round, ${m.rounds} rounds after ${m.warmup_seconds} s of warm-up each, targets interleaved), ` +
      "all servers on 127.0.0.1 on this machine during the same run; medians over rounds. " +
      (sv.targets.worker_mix
        ? `\`POST /pushers/set\` in the mix clients send (\`wrk/mix.lua\`): of every 20 requests, 17 re-send a pusher the user already holds unchanged, 1 changes one, 1 registers a new one and 1 deletes one, users taken in turn from ${fmt(m.set_users)}, each holding two seeded pushers on both servers. `
        : "") +
      `\`POST /pushers/set\`, every set new: every request a new pushkey (a real write), users taken in turn from the same ${fmt(m.set_users)}, ` +
      `\`append: false\`, the same body on every server. \`GET /pushers\`: ${m.list_users} users holding ${m.list_pushers_each} pushers each. ` +
      "The worker: the `wrangler deploy` bundle in workerd through Miniflare with KV persisted on disk, as `make run` serves it, its rate limiter set never to trip (Synapse's are off too). " +
      `Synapse ${sv.synapse_version}: SQLite, one process, log level WARNING, rate limits off. ` +
      "The ceiling: a worker that only writes the body to one KV key, same engine, same persistence.",
  );
  out.push("");
  out.push(serviceTable(sv));
  out.push("");
  out.push(
    (sv.ratio_mix_worker_vs_synapse === undefined
      ? ""
      : `Mix: the worker does **${fmt(sv.ratio_mix_worker_vs_synapse)}×** Synapse's throughput (p99 ${fmt(sv.worker_mix_p99_ms)} ms against ${fmt(sv.synapse_mix_p99_ms)} ms). `) +
      `Every set new: the worker does **${fmt(sv.ratio_set_worker_vs_synapse)}×** Synapse's throughput (p99 ${fmt(sv.worker_set_p99_ms)} ms against ${fmt(sv.synapse_set_p99_ms)} ms) ` +
      `and **${Math.round(sv.ratio_set_worker_vs_ceiling * 100)} %** of the one-write ceiling. ` +
      `List: ${fmt(sv.ratio_list_worker_vs_synapse)}× Synapse. Server CPU counts every process of the server (Miniflare's Node process and workerd; Synapse's Python), per request.`,
  );
  out.push("");
  const tm = r.service_tmpfs;
  if (tm) {
    out.push(
      `The same load with every store on tmpfs (\`${tm.store_dir}\`), where a disk sync costs nothing: what the software does without the disk.`,
    );
    out.push("");
    out.push(serviceTable(tm));
    out.push("");
    out.push(
      (tm.ratio_mix_worker_vs_synapse === undefined
        ? ""
        : `On tmpfs, mix: ${fmt(tm.ratio_mix_worker_vs_synapse)}× Synapse (p99 ${fmt(tm.worker_mix_p99_ms)} ms against ${fmt(tm.synapse_mix_p99_ms)} ms); `) +
        `every set new: ${fmt(tm.ratio_set_worker_vs_synapse)}× Synapse (p99 ${fmt(tm.worker_set_p99_ms)} ms against ${fmt(tm.synapse_set_p99_ms)} ms), ` +
        `${Math.round(tm.ratio_set_worker_vs_ceiling * 100)} % of the ceiling; list: ${fmt(tm.ratio_list_worker_vs_synapse)}× Synapse.`,
    );
    out.push("");
  }
}

function serviceTable(sv) {
  const t = sv.targets;
  const row = (label, x) => [
    label,
    fmt(x.rps),
    fmt(x.p50_ms),
    fmt(x.p99_ms),
    fmt(x.server_cpu_ms_per_request),
    x.not_2xx ? `**${fmt(x.not_2xx)}**` : "0",
  ];
  return table(
    ["target", "requests / s", "p50 (ms)", "p99 (ms)", "server CPU ms / request", "answers not 2xx"],
    [
      ...(t.worker_mix ? [row("worker, mix", t.worker_mix), row("Synapse, mix", t.synapse_mix)] : []),
      row("worker, set (every set new)", t.worker_set),
      row("Synapse, set (every set new)", t.synapse_set),
      row("KV ceiling (one write)", t.kv_ceiling),
      row("worker, list", t.worker_list),
      row("Synapse, list", t.synapse_list),
    ],
  );
}

// ---- 5. KV ops ----
const k = r.kv_ops;
if (k?.types) {
  const p = k.prices;
  const usd = (n) => (n === null || n === undefined ? "–" : `$${n.toFixed(2)}`);
  const perDay = (x) =>
    x.free_plan_requests_per_day === null
      ? "unlimited"
      : `${fmt(x.free_plan_requests_per_day)} (${x.free_plan_limited_by === "get" ? "reads" : x.free_plan_limited_by === "put" ? "writes" : `${x.free_plan_limited_by}s`})`;
  /** The operations and the price of each request type, one row each: [label, counts]. */
  const kvTable = (first, rows) =>
    table(
      [first, "reads", "lists", "writes", "deletes", "KV $ / million requests", "free plan, requests / day"],
      rows.map(([label, x]) => [label, x.get, x.list, x.put, x.delete, usd(x.usd_per_million_requests), perDay(x)]),
    );
  out.push("## 5. KV operations per request, and what they cost");
  out.push("");
  out.push(
    "Counted by the test suite's KV wrapper (`tests/lib/kv-wrapper.js`, through `tests/lib/service.mjs`), which forwards every call of the real worker bundle to the namespace; one request per row, counts reset before each, the token already cached. " +
      "`unchanged_settling` (the first set after the propagation window of a join) is counted on the store module over the same namespace with a clock moved past the window. " +
      `Every count ${k.matches_table ? "matches" : "**does not match**"} the table the store tests hold the worker to (\`tests/worker/kv-budget.mjs\`, shown in \`www/README.md\`)${k.matches_table ? "" : `: ${k.mismatches.join("; ")}`}. ` +
      `Prices: Workers KV, [${p.source}](${p.source}), read on ${p.read_on}: reads $${p.usd_per_million.get} per million, writes, deletes and lists $${p.usd_per_million.put} per million each ` +
      `(Workers Paid, past ${fmt(p.paid_included_per_month.get)} reads and ${fmt(p.paid_included_per_month.put)} of each of the others included a month); ` +
      `the free plan allows ${fmt(p.free_per_day.get)} reads and ${fmt(p.free_per_day.put)} writes, ${fmt(p.free_per_day.delete)} deletes and ${fmt(p.free_per_day.list)} lists a day. ` +
      "Cost is per million requests of that type past the inclusions; the free-plan figure is how many such requests a day fit before one limit (named) is reached.",
  );
  out.push("");
  out.push(
    kvTable(
      "request type",
      Object.entries(k.types).map(([name, x]) => [`\`${name}\`: ${x.what}`, x]),
    ),
  );
  out.push("");
  const mx = k.mix;
  const bm = k.before.mix;
  out.push(
    `**The mix** (${Object.entries(mx.shares)
      .map(([type, share]) => `${Math.round(share * 100)} % \`${type}\``)
      .join(
        ", ",
      )}): per request ${mx.per_request.get} reads, ${mx.per_request.list} lists, ${mx.per_request.put} writes, ${mx.per_request.delete} deletes; ` +
      `**${usd(mx.usd_per_million_requests)} per million requests**, and **${perDay(mx)} requests a day** on the free plan. ` +
      `Before this store (every set listed the caller's pushers, \`append: false\` the pusher's index too; the \`before\` counts in \`kv-ops.mjs\`): per request ${bm.per_request.list} lists, ${bm.per_request.put} writes and ${bm.per_request.delete} deletes, ${usd(bm.usd_per_million_requests)} per million, ${perDay(bm)} a day.`,
  );
  out.push("");
  out.push(
    kvTable(
      "request type, before",
      Object.entries(k.before.types).map(([name, x]) => [`\`${name}\``, x]),
    ),
  );
  out.push("");
}

// ---- 6. gateway ----
const gwb = r.gateway;
if (gwb) {
  const m = gwb.method;
  out.push("## 6. The gateway");
  out.push("");
  out.push(
    `The same \`POST /pushers/set\` (a replacement, \`append: false\`) sent through the gateway (\`UPSTREAM_URL\` set, as \`make run\` serves it, in front of Synapse ${gwb.synapse_version}) ` +
      `and to Synapse directly, one request at a time, alternating (and which goes first alternating), ${fmt(m.pairs)} pairs after ${fmt(m.warmup_pairs)} of warm-up. ` +
      "The overhead is the gateway's percentile minus Synapse's: the client's hop into workerd, the token (cached after the first whoami), the rate limiter, validation, and the hop to Synapse.",
  );
  out.push("");
  out.push(
    table(
      ["", "p50 (ms)", "p99 (ms)"],
      [
        ["through the gateway", fmt(gwb.gateway_set_p50_ms), fmt(gwb.gateway_set_p99_ms)],
        ["Synapse directly", fmt(gwb.synapse_set_p50_ms), fmt(gwb.synapse_set_p99_ms)],
        ["**overhead**", `**${fmt(gwb.gateway_overhead_p50_ms)}**`, `**${fmt(gwb.gateway_overhead_p99_ms)}**`],
      ],
    ),
  );
  out.push("");
  out.push(
    `Median of the per-pair differences: ${fmt(gwb.gateway_overhead_pair_median_ms)} ms. ` +
      `Gateway CPU (Miniflare's Node process and workerd) per set: ${fmt(gwb.gateway_cpu_ms_per_set)} ms.`,
  );
  out.push("");
}

// ---- machine ----
out.push("## Machine and versions");
out.push("");
out.push(
  `${r.machine.cpu}, ${r.machine.cores} cores, ${r.machine.memory_gib} GiB, ${r.machine.os}; ${r.machine.note}.`,
);
if (r.load_average) {
  out.push("");
  out.push(
    "One-minute load average before and after each stage (2 cores: above 2, the benchmark shared the CPU with other work): " +
      Object.entries(r.load_average)
        .filter(([, v]) => v)
        .map(([name, v]) => `${name} ${v.before} → ${v.after}`)
        .join(", ") +
      ".",
  );
}
out.push("");
out.push(
  Object.entries(r.versions)
    .map(([name, v]) => `${name} ${v}`)
    .join(" · "),
);
out.push("");
out.push("## Reproduce");
out.push("");
out.push("```sh");
out.push("make bench                 # the quick run, a few minutes");
out.push("BENCH_FULL=1 make bench    # the long run");
out.push("BENCH_ONLY=speed,size make bench   # some stages only; the others keep their last figures");
out.push("```");
out.push("");
writeFileSync(`${here}RESULTS.md`, out.join("\n"));
writeFileSync(`${here}chart.svg`, chart(r));
console.log("report: benches/RESULTS.md, benches/chart.svg");

// ---- the chart: panels of horizontal bars, two a row, hand-written SVG ----
function chart(r) {
  const esc = (s) => String(s).replace(/&/g, "&amp;").replace(/</g, "&lt;");
  const panels = [];
  if (r.speed) {
    const c = r.speed.contenders;
    panels.push({
      title: "Validation, µs per payload (CPU)",
      note: "lower is better",
      bars: [
        ["ours, from bytes", c.ours_bytes.ns_per_payload / 1000, true],
        ["ours, from object", c.ours_object.ns_per_payload / 1000, true],
        ["ajv (standalone)", c.ajv.ns_per_payload / 1000],
        ["zod 4 (jitless)", c.zod.ns_per_payload / 1000],
        ["valibot", c.valibot.ns_per_payload / 1000],
      ],
      unit: (v) => `${v.toFixed(v < 10 ? 2 : 1)} µs`,
    });
  }
  if (r.size) {
    const c = r.size.contenders;
    panels.push({
      title: "Size, KiB gzip",
      note: "lower is better",
      bars: [
        ["ours, .wasm + glue", c.ours.total.gzip / 1024, true],
        ["ajv (standalone)", c.ajv.total.gzip / 1024],
        ["zod 4", c.zod.total.gzip / 1024],
        ["valibot", c.valibot.total.gzip / 1024],
      ],
      unit: (v) => `${v.toFixed(1)} KiB`,
    });
  }
  if (r.startup) {
    const c = r.startup.contenders;
    panels.push({
      title: "Start-up to the first answer, ms",
      note: "fresh Node process, wall time; lower is better",
      bars: [
        ["ours (wasm)", c.ours.total_ms, true],
        ["ajv (standalone)", c.ajv.total_ms],
        ["zod 4", c.zod.total_ms],
        ["valibot", c.valibot.total_ms],
      ],
      unit: (v) => `${v.toFixed(v < 10 ? 1 : 0)} ms`,
    });
  }
  if (r.service) {
    const t = r.service.targets;
    panels.push({
      title: "Service, requests / s, 32 connections",
      note: "higher is better; p99 in brackets",
      bars: [
        ...(t.worker_mix
          ? [
              ["worker, mix", t.worker_mix.rps, true, t.worker_mix.p99_ms],
              ["Synapse, mix", t.synapse_mix.rps, false, t.synapse_mix.p99_ms],
            ]
          : []),
        ["worker, set", t.worker_set.rps, true, t.worker_set.p99_ms],
        ["Synapse, set", t.synapse_set.rps, false, t.synapse_set.p99_ms],
        ["one-KV-write ceiling", t.kv_ceiling.rps, false, t.kv_ceiling.p99_ms],
        ["worker, list", t.worker_list.rps, true, t.worker_list.p99_ms],
        ["Synapse, list", t.synapse_list.rps, false, t.synapse_list.p99_ms],
      ],
      unit: (v, p99) =>
        `${Math.round(v).toLocaleString("en-US")}${p99 === undefined ? "" : ` (${p99 < 10 ? p99.toFixed(1) : Math.round(p99)} ms)`}`,
    });
  }
  // Two panels a row.
  const W = 340;
  const labelW = 128;
  const barMax = W - labelW - 104;
  const rowH = 26;
  const panelH = 60 + Math.max(...panels.map((p) => p.bars.length)) * rowH + 16;
  const rows = Math.ceil(panels.length / 2);
  const H = rows * panelH + 30;
  const parts = [];
  panels.forEach((p, i) => {
    const x0 = (i % 2) * W + 10;
    const y0 = Math.floor(i / 2) * panelH;
    const top = y0 + 58;
    const max = Math.max(...p.bars.map((b) => b[1]));
    parts.push(`<text x="${x0}" y="${y0 + 24}" class="t">${esc(p.title)}</text>`);
    parts.push(`<text x="${x0}" y="${y0 + 42}" class="n">${esc(p.note)}</text>`);
    p.bars.forEach(([label, value, ours, p99], j) => {
      const y = top + j * rowH;
      const w = Math.max(1, (value / max) * barMax);
      parts.push(`<text x="${x0 + labelW - 6}" y="${y + 13}" class="l" text-anchor="end">${esc(label)}</text>`);
      parts.push(
        `<rect x="${x0 + labelW}" y="${y}" width="${w.toFixed(1)}" height="18" rx="2" class="${ours ? "o" : "p"}"/>`,
      );
      parts.push(
        `<text x="${(x0 + labelW + w + 5).toFixed(1)}" y="${y + 13}" class="v">${esc(p.unit(value, p99))}</text>`,
      );
    });
  });
  const width = Math.min(panels.length, 2) * W + 10;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${H}" viewBox="0 0 ${width} ${H}" role="img" aria-label="Benchmarks: validation time, size, service throughput">
<style>
text{font-family:system-ui,-apple-system,"Segoe UI",Helvetica,Arial,sans-serif;fill:#1f2328}
.t{font-size:14px;font-weight:600}.n{font-size:11px;fill:#59636e}.l{font-size:12px}.v{font-size:11px;fill:#59636e}
.o{fill:#2f6feb}.p{fill:#9aa4ae}
@media (prefers-color-scheme:dark){text{fill:#e6edf3}.n,.v{fill:#9198a1}.o{fill:#4493f8}.p{fill:#656c76}}
</style>
<rect width="100%" height="100%" fill="none"/>
${parts.join("\n")}
<text x="10" y="${H - 12}" class="n">${esc(`make bench (${r.mode} run), ${r.date.slice(0, 10)}, ${r.machine.cores} cores ${r.machine.cpu}, shared; blue: ours. Details: benches/RESULTS.md`)}</text>
</svg>
`;
}
