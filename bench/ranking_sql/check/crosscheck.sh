#!/usr/bin/env bash
# Cross-checks ranking.sql against engine_port.py (a Python port of engine.cc) on a directory of
# benchmark CSVs: starts a throwaway cluster (pg_temp.sh), loads schema.sql + CSVs +
# indexes.sql, runs ranking.sql and the port for the period, compares them (compare.py: same
# order, ranks, stars, flags; floats within 1e-9). Leaves both outputs in the temp directory
# when they differ.
#   check/crosscheck.sh CSV_DIR START_MONTH END_MONTH    (months YYYY-MM; PORT=55434 default)
# Random edge-case data: check/gen_random.py DIR [PRODUCTS] [SEED].
set -euo pipefail
[[ $# -eq 3 ]] || { echo "usage: crosscheck.sh CSV_DIR START_MONTH END_MONTH" >&2; exit 2; }
csv=$(cd "$1" && pwd)
start=$2
end=$3
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
sqldir=$(dirname "${here}")
port=${PORT:-55434}
dir=$(mktemp -d /tmp/ranking_check.XXXXXX)
keep=0
cleanup() {
  "${sqldir}/pg_temp.sh" stop "${dir}" >/dev/null 2>&1 || true
  if ((keep)); then rm -rf -- "${dir}/data"; else rm -rf -- "${dir}"; fi
}
trap cleanup EXIT
"${sqldir}/pg_temp.sh" start "${dir}" "${port}"
export PGOPTIONS='-c client_min_messages=warning'
psql=(psql -X -q -v ON_ERROR_STOP=1 -h "${dir}" -p "${port}" -U postgres -d unggul)
"${psql[@]}" -f "${sqldir}/schema.sql"
for table in upts products batches sales certifications trainings labour; do
  "${psql[@]}" -c "\\copy ${table} FROM '${csv}/${table}.csv' WITH (FORMAT csv)"
done
"${psql[@]}" -f "${sqldir}/indexes.sql"
{
  echo "PREPARE ranking(date, date) AS"
  perl -0pe 's/;\s*\z//' "${sqldir}/ranking.sql"
  echo ";"
  echo "EXECUTE ranking('${start}-01', '${end}-01');"
} | "${psql[@]}" -A -F '|' -P footer=off >"${dir}/sql.txt"
python3 "${here}/engine_port.py" "${csv}" "${start}" "${end}" >"${dir}/port.txt"
if python3 "${here}/compare.py" "${dir}/port.txt" "${dir}/sql.txt"; then
  :
else
  keep=1
  echo "outputs kept in ${dir}/port.txt and ${dir}/sql.txt" >&2
  exit 1
fi
