#!/usr/bin/env bash
# buf lint and buf breaking over proto/ (rules and their exceptions in proto/buf.yaml): the
# breaking check compares proto/ with the committed image proto/breaking/v1.binpb. Installs buf
# 1.75.0 from npm into $UNGGUL_TOOLS_DIR/buf (default ~/.cache/unggul-tools/buf, reused by CI)
# when missing. Prints "buf: OK" or buf's messages and exits 1.
# Usage: buf.sh [repo-root]
#        buf.sh --update-image [repo-root]  # after a deliberate, reviewed API change: lists the
#                                           # breaking changes being accepted, rewrites the image
set -euo pipefail
update=0
if [ "${1:-}" = "--update-image" ]; then update=1; shift; fi
root="${1:-$(cd "$(dirname "$0")/../.." && pwd)}"
cd "$root" || exit 2

version=1.75.0
image=proto/breaking/v1.binpb
if [ -n "${UNGGUL_TOOLS_DIR:-}" ]; then tools="$UNGGUL_TOOLS_DIR"
elif [ -n "${HOME:-}" ] && mkdir -p "$HOME/.cache/unggul-tools" 2>/dev/null; then tools="$HOME/.cache/unggul-tools"
else tools="$root/.cache/unggul-tools"; fi  # /.cache/ is git-ignored
tooldir="$tools/buf"
buf="$tooldir/node_modules/.bin/buf"

installed() { [ -x "$buf" ] && [ "$("$buf" --version 2>/dev/null)" = "$version" ]; }
if ! installed; then
  mkdir -p "$tooldir"
  (
    flock 9  # one install at a time when several checkouts share the tool folder
    if ! installed; then
      echo "buf: installing @bufbuild/buf@$version into $tooldir" >&2
      if ! log=$(npm install --prefix "$tooldir" --no-audit --no-fund --save-exact \
                   --loglevel=error "@bufbuild/buf@$version" 2>&1); then
        echo "$log" >&2; echo "buf: npm install of @bufbuild/buf@$version failed" >&2; exit 2
      fi
      installed || { echo "buf: $buf --version is not $version after npm install" >&2; exit 2; }
    fi
  ) 9>"$tools/buf.lock"
fi

if [ "$update" -eq 1 ]; then
  "$buf" lint proto
  if [ -f "$image" ]; then
    echo "buf: accepting these changes against the old $image:"
    "$buf" breaking proto --against "$image" || true
  fi
  "$buf" build proto --exclude-source-info -o "$image"
  echo "buf: wrote $image"
  exit 0
fi

fail=0
"$buf" lint proto || { echo "buf: lint failed (rules: proto/buf.yaml)"; fail=1; }
if [ ! -f "$image" ]; then
  echo "buf: $image is missing; create it with tests/lint/buf.sh --update-image"; fail=1
elif ! "$buf" breaking proto --against "$image"; then
  echo "buf: breaking changes against $image; if deliberate: tests/lint/buf.sh --update-image"
  fail=1
fi
[ "$fail" -eq 0 ] && echo "buf: OK"
exit "$fail"
