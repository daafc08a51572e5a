#!/usr/bin/env bash
# The unit and in-process integration tests under AddressSanitizer and UndefinedBehaviorSanitizer,
# once per CI run, in the fuzzing build (build-fuzz: clang-14, first-party code compiled with ASan
# and UBSan, see tests/fuzz/run.sh), so the libraries the fuzz targets already built are reused.
# Every test binary outside tests/e2e is built and run whole; the end-to-end tests (real server
# processes, the crash suite, the demo) run in the main build only. Any sanitizer report fails
# the run (UBSan does not recover; ASan aborts). Leak detection is off: gRPC and protobuf keep
# process-lifetime singletons that LeakSanitizer would report.
#   tests/sanitize/run.sh
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
build="${UNGGUL_FUZZ_BUILD_DIR:-$repo/build-fuzz}"
jobs="${UNGGUL_JOBS:-2}"
export CCACHE_NOHASHDIR=1
# The same configuration as tests/fuzz/run.sh (one tree, no reconfiguration between them).
cmake -S "$repo" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DUNGGUL_FUZZ=ON \
  -DCMAKE_CXX_COMPILER=clang++-14 >/dev/null
mapfile -t targets < <(ninja -C "$build" -t targets all |
  sed -n 's/^\([^:]*_test\): CXX_EXECUTABLE_LINKER.*/\1/p' | grep -v '^tests/e2e/' | sort -u)
if [ "${#targets[@]}" -eq 0 ]; then echo "sanitize: no test targets found" >&2; exit 1; fi
ninja -C "$build" -j "$jobs" "${targets[@]}"
export ASAN_OPTIONS="detect_leaks=0:abort_on_error=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
failed=()
for t in "${targets[@]}"; do
  printf '== %s\n' "$t"
  if ! (cd "$build" && "./$t" --gtest_brief=1); then failed+=("$t"); fi
done
if [ "${#failed[@]}" -ne 0 ]; then
  echo "sanitize: failed under ASan/UBSan: ${failed[*]}" >&2
  exit 1
fi
echo "sanitize: ${#targets[@]} test binaries clean under ASan and UBSan"
