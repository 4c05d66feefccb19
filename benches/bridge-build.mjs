// Builds the benchmark's second WebAssembly module: the crate with the feature
// `bench-serde-wasm-bindgen` (src/bench_bridge.rs: the serde-wasm-bindgen bridge and a js-sys
// typed view beside the package's JSON-text boundary), with the package's release settings, for
// Node (`--target nodejs`), into benches/work/bridge/. Its own target directory, so that the
// package's build is not disturbed.
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const out = join(root, "benches", "work", "bridge");
const r = spawnSync(
  "wasm-pack",
  [
    "--quiet",
    "build",
    "--release",
    "--target",
    "nodejs",
    "--mode",
    "no-install",
    "--no-pack",
    "--out-dir",
    out,
    root,
    "--",
    "--features",
    "bench-serde-wasm-bindgen",
  ],
  {
    cwd: root,
    stdio: "inherit",
    env: {
      ...process.env,
      CARGO_TARGET_DIR: join(root, "target", "bench-bridge"),
      PATH: `${join(root, "node_modules", ".bin")}:${process.env.HOME}/.cargo/bin:${process.env.PATH}`,
    },
  },
);
if (r.status !== 0) throw new Error(`bridge build failed (exit ${r.status})`);
// wasm-pack's Node glue is CommonJS; the repository's package.json says "type": "module".
writeFileSync(join(out, "package.json"), '{ "type": "commonjs" }\n');
console.log(`bridge module: ${out}`);
