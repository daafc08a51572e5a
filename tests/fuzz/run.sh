#!/usr/bin/env bash
# Builds the libFuzzer targets with clang-14 (ASan + UBSan) in build-fuzz and runs each for
# UNGGUL_FUZZ_SECONDS (default 60) from its seed corpus in tests/fuzz/corpus/<target>. A crash
# leaves its input in build-fuzz/artifacts/<target>/ and fails the run; turn it into a regression
# test. Long mode: UNGGUL_FUZZ_SECONDS=3600 tests/fuzz/run.sh [target...].
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
build="${UNGGUL_FUZZ_BUILD_DIR:-$repo/build-fuzz}"
seconds="${UNGGUL_FUZZ_SECONDS:-60}"
jobs="${UNGGUL_JOBS:-2}"
targets=("$@")
if [ "${#targets[@]}" -eq 0 ]; then
  targets=(fuzz_keys fuzz_csv fuzz_stored_values fuzz_model fuzz_validation fuzz_sync_apply)
fi
export CCACHE_NOHASHDIR=1
cmake -S "$repo" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DUNGGUL_FUZZ=ON \
  -DCMAKE_CXX_COMPILER=clang++-14 >/dev/null
ninja -C "$build" -j "$jobs" "${targets[@]}"
for t in "${targets[@]}"; do
  corpus="$build/corpus/$t"
  mkdir -p "$corpus" "$build/artifacts/$t"
  cp -n "$repo/tests/fuzz/corpus/$t/"* "$corpus/" 2>/dev/null || true
  echo "== fuzzing $t for ${seconds}s"
  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 ASAN_OPTIONS=detect_leaks=0 \
    "$build/tests/fuzz/$t" -max_total_time="$seconds" -timeout=20 -rss_limit_mb=4096 \
    -artifact_prefix="$build/artifacts/$t/" -print_final_stats=1 "$corpus" \
    2>"$build/$t.log" || { tail -40 "$build/$t.log"; echo "fuzz: $t failed" >&2; exit 1; }
  grep -E "stat::number_of_executed_units|stat::new_units_added" "$build/$t.log" | tr '\n' ' '
  echo
done
