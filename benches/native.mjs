// The validation core natively (no WebAssembly, no JavaScript) over the benchmark corpus: the
// profile binary (benches/profile/) built in release mode and run over the corpus as
// length-prefixed bodies, each path timed in interleaved rounds (median ns per payload).
// `json` is what the package's module runs (`validate_to_json`: the outcome's JSON text),
// `outcome` the Rust API (`validate`: the owned Outcome).
// With valgrind installed, the instructions per payload of each path too (callgrind, one pass
// over the corpus minus an empty run: a count that does not depend on the machine's load).
//   node benches/native.mjs OUT.json
import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { benchCorpus } from "./lib/corpus.mjs";

const FULL = process.env.BENCH_FULL === "1";
const root = fileURLToPath(new URL("..", import.meta.url));
const work = join(root, "benches", "work");
const targetDir = join(root, "target", "profile");
const binary = join(targetDir, "release", "matrix-pusher-validator-profile");
const corpusFile = join(work, "corpus.bin");

mkdirSync(work, { recursive: true });
const inputs = benchCorpus().filter((input) => input.options === undefined);
const parts = [];
for (const input of inputs) {
  const len = Buffer.alloc(4);
  len.writeUInt32LE(input.bytes.length);
  parts.push(len, Buffer.from(input.bytes));
}
writeFileSync(corpusFile, Buffer.concat(parts));

const build = spawnSync(
  "cargo",
  [
    "build",
    "--quiet",
    "--release",
    "--manifest-path",
    join(root, "benches", "profile", "Cargo.toml"),
    "--target-dir",
    targetDir,
  ],
  { cwd: root, stdio: "inherit" },
);
if (build.status !== 0) throw new Error(`native: cargo build failed (exit ${build.status})`);

const run = spawnSync(binary, [corpusFile, String(FULL ? 61 : 21)], { encoding: "utf8" });
if (run.status !== 0) throw new Error(`native: ${run.stderr}`);
const timed = JSON.parse(run.stdout.trim().split("\n").pop());

/** Instructions per payload of one path, by callgrind: (one pass - no pass) / bodies. */
function instructions(path) {
  const count = (passes) => {
    const r = spawnSync(
      "valgrind",
      ["--tool=callgrind", "--callgrind-out-file=/dev/null", binary, corpusFile, String(passes), path],
      { encoding: "utf8" },
    );
    const m = /refs:\s+([\d,]+)/.exec(r.stderr ?? "");
    return m ? Number(m[1].replaceAll(",", "")) : null;
  };
  const one = count(1);
  const none = count(0);
  return one === null || none === null ? null : Math.round((one - none) / inputs.length);
}
const hasValgrind = spawnSync("valgrind", ["--version"]).status === 0;
const result = {
  bodies: timed.bodies,
  bytes_per_payload: Math.round(timed.bytes / timed.bodies),
  note: "the corpus inputs without options (the binary runs the default options)",
  native_ns_per_payload: timed.json_ns_per_payload,
  outcome_ns_per_payload: timed.outcome_ns_per_payload,
  instructions_per_payload: hasValgrind ? { json: instructions("json"), outcome: instructions("outcome") } : null,
  method: { rounds: timed.rounds, passes_per_round: timed.passes_per_round, clock: "wall (Instant), median of rounds" },
};
if (process.argv[2]) writeFileSync(process.argv[2], JSON.stringify(result, null, 2));
console.log(
  `native: ${result.native_ns_per_payload} ns/payload (json), outcome ${result.outcome_ns_per_payload}` +
    (result.instructions_per_payload ? `; instructions ${JSON.stringify(result.instructions_per_payload)}` : ""),
);
