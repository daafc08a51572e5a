#!/usr/bin/env bash
# Runs ranking.sql on the hand-written sample and diffs the result with expected.txt:
# starts a throwaway cluster (pg_temp.sh), loads schema.sql, the CSVs and indexes.sql, executes
# ranking.sql for the period 2025-01..2025-12 with the parameters bound as in the benchmark
# (a prepared statement; psql 15 cannot bind $1/$2 otherwise), prints the output (psql -A -F,)
# and exits non-zero on any difference.
#   sample/run.sh            port 55433 (PORT=... to change)
#   sample/run.sh --update   rewrite expected.txt from the current output
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
sqldir=$(dirname "${here}")
port=${PORT:-55433}
start_month=2025-01-01
end_month=2025-12-01

dir=$(mktemp -d /tmp/ranking_sample.XXXXXX)
cleanup() {
  "${sqldir}/pg_temp.sh" stop "${dir}" >/dev/null 2>&1 || true
  rm -rf -- "${dir}"
}
trap cleanup EXIT

"${sqldir}/pg_temp.sh" start "${dir}" "${port}"
export PGOPTIONS='-c client_min_messages=warning'
psql=(psql -X -q -v ON_ERROR_STOP=1 -h "${dir}" -p "${port}" -U postgres -d unggul)

"${psql[@]}" -f "${sqldir}/schema.sql"
for table in upts products batches sales certifications trainings labour; do
  "${psql[@]}" -c "\\copy ${table} FROM '${here}/${table}.csv' WITH (FORMAT csv)"
done
"${psql[@]}" -f "${sqldir}/indexes.sql"

{
  echo "PREPARE ranking(date, date) AS"
  perl -0pe 's/;\s*\z//' "${sqldir}/ranking.sql"   # the statement without its final ';'
  echo ";"
  echo "EXECUTE ranking('${start_month}', '${end_month}');"
} | "${psql[@]}" -A -F, -P footer=off >"${dir}/actual.txt"

cat "${dir}/actual.txt"
if [[ ${1:-} == --update ]]; then
  cp "${dir}/actual.txt" "${here}/expected.txt"
  echo "expected.txt updated" >&2
elif diff -u "${here}/expected.txt" "${dir}/actual.txt" >&2; then
  echo "sample: OK, identical to expected.txt" >&2
else
  echo "sample: FAILED, output differs from expected.txt (diff above)" >&2
  exit 1
fi
