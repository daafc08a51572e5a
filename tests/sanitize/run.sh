#!/usr/bin/env bash
# The unit and in-process integration tests under AddressSanitizer and UndefinedBehaviorSanitizer
# (GCC), once per CI run: a separate build folder (build-asan, ccache shared with the main build),
# every test binary outside tests/e2e built and run whole. The end-to-end tests (real server
# processes, the crash suite, the demo) run in the main build only. Any sanitizer report fails
# the run (UBSan does not recover; ASan aborts). Leak detection is off: gRPC and protobuf keep
# process-lifetime singletons that LeakSanitizer would report.
#   tests/sanitize/run.sh [build-dir]
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
build="${1:-${UNGGUL_ASAN_BUILD_DIR:-$repo/build-asan}}"
jobs="${UNGGUL_JOBS:-2}"
flags="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer"
export CCACHE_DIR="${CCACHE_DIR:-$HOME/.cache/ccache}"
export CCACHE_BASEDIR="$repo"
export CCACHE_NOHASHDIR=1
cmake -S "$repo" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_FLAGS="$flags" -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=address,undefined" >/dev/null
mapfile -t targets < <(ninja -C "$build" -t targets all |
  sed -n 's/^\([^:]*_test\): CXX_EXECUTABLE_LINKER.*/\1/p' | grep -v '^tests/e2e/' | sort -u)
if [ "${#targets[@]}" -eq 0 ]; then echo "sanitize: no test targets found" >&2; exit 1; fi
ninja -C "$build" -j "$jobs" "${targets[@]}"
export ASAN_OPTIONS="detect_leaks=0:abort_on_error=1:strict_string_checks=1"
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
