#!/usr/bin/env bash
# clang-format (v14, .clang-format at the root) over every first-party C++ file; lists the files
# that differ and exits 1. Usage: format.sh [repo-root]
set -u
root="${1:-$(cd "$(dirname "$0")/../.." && pwd)}"
cd "$root" || exit 2
files=$(git ls-files -co --exclude-standard -- '*.h' '*.cc' 2>/dev/null | grep -v '^build/')
bad=0
for f in $files; do
  if ! clang-format --dry-run -Werror "$f" >/dev/null 2>&1; then echo "format: $f differs from clang-format"; bad=1; fi
done
[ "$bad" -eq 0 ] && echo "format: OK"
exit "$bad"
