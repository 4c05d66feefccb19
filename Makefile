# matrix-pusher-validator: the one entry point.
#   make build   the npm package into pkg/
#   make run     the worker in workerd on 127.0.0.1:$(PORT), KV under $(DATA_DIR)
#   make test    every test layer (installs what is missing)
#   make bench   benchmarks into benches/results.json and benches/RESULTS.md
#   make fuzz    fuzzing for $(FUZZ_SECONDS) seconds a target
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

export PATH := $(CURDIR)/node_modules/.bin:$(HOME)/.cargo/bin:$(PATH)

PORT ?= 8787
DATA_DIR ?= .data
UPSTREAM_URL ?=
FUZZ_SECONDS ?= 60

WASM_BINDGEN_VERSION := 0.2.130
WASM_PACK_VERSION := 0.15.1
CARGO_FUZZ_VERSION := 0.13.2

.PHONY: help tools tools-rust tools-node tools-chromium tools-synapse build run test test-rust \
	test-js test-package test-worker test-gateway test-browser test-hardening test-fuzz bench fuzz clean

help:
	@echo "make run    start the worker locally (PORT=$(PORT), DATA_DIR=$(DATA_DIR), DEV_TOKENS=...)"
	@echo "make test   install what is missing, build, and run every test layer"
	@echo "make build  build the npm package into pkg/"
	@echo "make bench  run the benchmarks (BENCH_FULL=1 for the long run)"
	@echo "make fuzz   fuzz each target for FUZZ_SECONDS=$(FUZZ_SECONDS) seconds"

# ---- tools (each step is skipped when already there) -------------------------------------------

tools: tools-rust tools-node

# wasm-bindgen-cli must be exactly the version of the `wasm-bindgen` crate pin. Its published lock
# file can name a dependency version the registry no longer serves; then it is resolved afresh.
tools-rust:
	@rustup target list --installed | grep -qx wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown
	@wasm-pack --version 2>/dev/null | grep -qF "$(WASM_PACK_VERSION)" || cargo install --locked wasm-pack@$(WASM_PACK_VERSION)
	@wasm-bindgen --version 2>/dev/null | grep -qF "$(WASM_BINDGEN_VERSION)" \
		|| cargo install --locked --force wasm-bindgen-cli@$(WASM_BINDGEN_VERSION) \
		|| cargo install --force wasm-bindgen-cli@$(WASM_BINDGEN_VERSION)

tools-node: node_modules/.installed

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

# Debian's Chromium for the browser tests (playwright-core never downloads a browser here).
tools-chromium:
	@test -x /usr/bin/chromium || { \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && \
		$$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }

# Synapse from PyPI (wheels only, pinned in benches/lib/synapse.mjs) in benches/.venv: the
# homeserver behind the gateway tests and the baseline of the benchmarks. Debian's python3-venv
# is installed when python3 cannot make a venv.
tools-synapse:
	@node --input-type=module -e 'import { ensureSynapse } from "./benches/lib/synapse.mjs"; ensureSynapse();'

# ---- build -------------------------------------------------------------------------------------

# pkg/ is the npm package, www/page/pkg/ the browser build the playground and the worker serve.
# wasm-pack builds the `--target web` glue and the .wasm (`--mode no-install`: it downloads nothing;
# wasm-opt comes from node_modules/.bin, the binaryen npm package), then npm/assemble.mjs adds the
# hand-written entries (index.js, node.mjs, node.cjs, workerd.js), index.d.ts, cli.js and
# package.json. node_modules/matrix-pusher-validator links to pkg/ so that tests and tools import
# the built package by name. Nothing is rebuilt when no input changed.
PKG_INPUTS := Cargo.toml Cargo.lock .cargo/config.toml $(wildcard src/*.rs) $(wildcard npm/*)

build: pkg/.built | tools-node
	@test -L node_modules/matrix-pusher-validator || ln -sfn ../pkg node_modules/matrix-pusher-validator

pkg/.built: $(PKG_INPUTS) | tools
	wasm-pack --quiet build --release --target web --mode no-install --no-pack \
		--out-dir $(CURDIR)/target/npm/web $(CURDIR)
	node npm/assemble.mjs target/npm/web
	@touch $@

# ---- run ---------------------------------------------------------------------------------------

# UPSTREAM_URL=http://127.0.0.1:8008 (from the environment or make's command line): the gateway in
# front of that homeserver instead of the registry.
run: build
	PORT=$(PORT) DATA_DIR=$(DATA_DIR) UPSTREAM_URL='$(UPSTREAM_URL)' node www/dev.mjs

# ---- tests: cheapest first ---------------------------------------------------------------------

test: test-rust test-js test-package test-worker test-gateway test-browser test-hardening test-fuzz

test-rust:
	cargo fmt --check
	cargo clippy --all-targets -- -D warnings
	RUSTDOCFLAGS="-D warnings" cargo doc --no-deps --quiet
	cargo test

# JavaScript is checked like Rust: Biome (format and lint, biome.json) over every script, and
# tsc over the JSDoc of the package's entries, the page and the Node scripts (tsconfig.json) and of
# the worker against the Workers types (www/tsconfig.json). After `build`: npm/ is checked against
# the wasm-bindgen glue it imports.
test-js: build
	biome ci --error-on-warnings .
	tsc -p tsconfig.json
	tsc -p www/tsconfig.json

# The built package imported by name (node_modules/matrix-pusher-validator links to pkg/): every
# fixture with every input form in ESM and CommonJS, the JS API, the .d.ts golden files and a tsc
# consumer, esbuild bundles (browser, default, and workerd run in Miniflare), the CLI, the packed
# tarball installed offline; then the size and start-up figures (size over budget fails). Clippy
# runs for wasm32 too: src/wasm.rs is compiled only there.
test-package: build
	cargo clippy --target wasm32-unknown-unknown --lib -- -D warnings
	node --test --test-reporter=spec tests/package/
	node tests/package/measure.mjs --check-size

test-worker: build
	node --test --test-concurrency=1 tests/worker/

# Gateway mode in front of a real Synapse (started per test file on a free loopback port, its own
# temporary data directory), driven by matrix-js-sdk and raw HTTP.
test-gateway: build tools-synapse tools-chromium
	node --test --test-concurrency=1 tests/gateway/

test-browser: build tools-chromium
	node --test tests/browser/

test-hardening: build
	@test -e node_modules/matrix-pusher-validator || ln -s ../pkg node_modules/matrix-pusher-validator
	node --test --test-concurrency=1 tests/hardening/*.test.mjs

test-fuzz:
	fuzz/run.sh 20

# ---- benchmarks and fuzzing --------------------------------------------------------------------

bench: build
	@command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk; }
	BENCH_FULL=$(BENCH_FULL) node benches/bench.mjs

fuzz:
	fuzz/run.sh $(FUZZ_SECONDS)

clean:
	rm -rf target pkg node_modules fuzz/target
