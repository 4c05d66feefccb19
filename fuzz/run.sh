#!/usr/bin/env bash
# Runs every fuzz target for a bounded time and fails when any of them finds a crash.
#
#   fuzz/run.sh SECONDS [libFuzzer flags...]    e.g. fuzz/run.sh 60, fuzz/run.sh 20 -runs=200000
#
# Installs what is missing (the nightly toolchain and cargo-fuzz, pinned), seeds the corpora from
# tests/fixtures/, and keeps each target's log in fuzz/logs/<target>.log (the last lines carry
# libFuzzer's `cov:` and `ft:` figures and the number of executions).
set -euo pipefail
cd "$(dirname "$0")/.."

CARGO_FUZZ_VERSION="${CARGO_FUZZ_VERSION:-0.13.2}"
seconds="${1:-60}"
shift || true
targets=(${FUZZ_TARGETS:-validate gateway_url})

rustup toolchain list | grep -q '^nightly' || rustup toolchain install nightly --profile minimal
cargo fuzz --version 2>/dev/null | grep -q "$CARGO_FUZZ_VERSION" \
  || cargo +nightly install --locked "cargo-fuzz@$CARGO_FUZZ_VERSION"

node fuzz/seed.mjs
mkdir -p fuzz/logs
failed=()
for t in "${targets[@]}"; do
  echo "fuzz: $t for ${seconds}s"
  # -a: debug assertions, so integer overflow is a crash too. Seeds stay under 8 KB (seed.mjs).
  if cargo +nightly fuzz run -a "$t" -- \
      -dict="fuzz/dict/$t.dict" -max_total_time="$seconds" -max_len=8192 \
      -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 "$@" >"fuzz/logs/$t.log" 2>&1; then
    grep -E '^#[0-9]+' "fuzz/logs/$t.log" | tail -n 1 || true
    grep -E '^stat::number_of_executed_units' "fuzz/logs/$t.log" || true
  else
    echo "fuzz: $t FAILED (log: fuzz/logs/$t.log, inputs in fuzz/artifacts/$t/)"
    grep -E 'panicked at|ERROR: libFuzzer|SUMMARY|Test unit written|Base64' "fuzz/logs/$t.log" | head -n 20 || true
    failed+=("$t")
  fi
done
if ((${#failed[@]})); then
  echo "fuzz: crashes in ${failed[*]}"
  exit 1
fi
