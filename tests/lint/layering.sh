#!/usr/bin/env bash
# Layering and hygiene rules of STYLE.md §12.4. Prints each offending file with the rule it
# breaks; exits 1 if any. Usage: layering.sh [repo-root]
set -u
root="${1:-$(cd "$(dirname "$0")/../.." && pwd)}"
cd "$root" || exit 2
fail=0
report() { echo "layering: $1: $2"; fail=1; }

src() { git ls-files -co --exclude-standard -- "$@" 2>/dev/null || find "$@" -type f; }

while IFS= read -r f; do
  case "$f" in
    */core/*|*/store/*)
      if grep -nE '#include\s+[<"]grpcpp/|\.grpc\.pb\.h' "$f" >/dev/null; then
        report "$f" "core/ and store/ must not include gRPC (grpcpp/ or .grpc.pb.h)"
      fi ;;
  esac
  case "$f" in
    */store/*|common/rocksdb/*|bench/*) ;;  # benchmarks compare against raw RocksDB
    *) if grep -nE '#include\s+[<"]rocksdb/' "$f" >/dev/null; then
         report "$f" "rocksdb/ headers only in store/ and common/rocksdb"
       fi ;;
  esac
  if grep -nE '#include\s+"unggul/node/storage/v1/' "$f" >/dev/null; then
    case "$f" in services/node/store/*) ;; *) report "$f" "node storage/v1 headers only in services/node/store" ;; esac
  fi
  if grep -nE '#include\s+"unggul/kanwil/storage/v1/' "$f" >/dev/null; then
    case "$f" in services/aggregator/store/*) ;; *) report "$f" "kanwil storage/v1 headers only in services/aggregator/store" ;; esac
  fi
  case "$f" in
    common/time/*) ;;  # the one place that reads the system time
    *) if grep -nE 'absl::Now\(\)|std::chrono::(system|steady)_clock::now' "$f" >/dev/null; then
         report "$f" "read time through an injected unggul::Clock (or RealClock()), never absl::Now()"
       fi ;;
  esac
  case "$f" in
    *_test.cc|tests/*|bench/*)
      if grep -nE 'sleep_for|usleep\(|[^_a-zA-Z]sleep\(|SleepFor\(' "$f" >/dev/null; then
        report "$f" "no sleeps in tests: wait on the event with a deadline"
      fi ;;
  esac
done < <(src common services bench tests | grep -E '\.(cc|h|cpp|hpp|js|mjs|sh)$' | grep -v '^tests/lint/layering.sh$')

while IFS= read -r f; do
  if grep -n 'file(GLOB' "$f" >/dev/null; then report "$f" "no file(GLOB): list sources explicitly"; fi
done < <(src CMakeLists.txt common services proto tests bench 2>/dev/null | grep -E 'CMakeLists\.txt$')

if [ "$fail" -eq 0 ]; then echo "layering: OK"; fi
exit "$fail"
