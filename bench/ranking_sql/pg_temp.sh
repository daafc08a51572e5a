#!/usr/bin/env bash
# A throwaway PostgreSQL 15 cluster for the SQL side of the ranking benchmark.
#
#   pg_temp.sh start DIR PORT   initdb DIR/data (DIR may not exist yet; DIR/data must not), start
#                               the server on 127.0.0.1:PORT with its unix socket in DIR, wait
#                               until it accepts connections, create the database "unggul".
#   pg_temp.sh stop DIR         stop it (fast mode: open sessions are rolled back).
#
# Connect with: psql -h DIR -p PORT -U postgres unggul   (or host=127.0.0.1; trust auth).
# Server log: DIR/postgres.log. Prints nothing on stdout; errors go to stderr, exit status != 0.
#
# PostgreSQL refuses to run as root: as root (CI), initdb/pg_ctl run as the "postgres" system
# user (created by the Debian package) through runuser, and DIR is chown'ed to it. As any other
# user they run as that user.
set -euo pipefail

PGBIN=/usr/lib/postgresql/15/bin
READY_TIMEOUT_S=60

die() {
  echo "pg_temp.sh: $*" >&2
  exit 1
}

usage() {
  echo "usage: pg_temp.sh start DIR PORT | pg_temp.sh stop DIR" >&2
  exit 2
}

# Runs a command as the cluster owner.
as_owner() {
  if [[ ${EUID} -eq 0 ]]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

[[ -x ${PGBIN}/initdb && -x ${PGBIN}/pg_ctl ]] || die "PostgreSQL 15 binaries not found in ${PGBIN}"

cmd=${1:-}
case "${cmd}" in
start)
  [[ $# -eq 3 ]] || usage
  dir=$2
  port=$3
  if ! [[ ${port} =~ ^[0-9]+$ ]] || ((port < 1024 || port > 65535)); then
    die "bad port '${port}' (1024..65535)"
  fi
  mkdir -p -- "${dir}" || die "cannot create ${dir}"
  dir=$(cd -- "${dir}" && pwd -P)
  data=${dir}/data
  [[ ! -e ${data} ]] || die "${data} already exists (stop and remove the old cluster first)"
  # Unix socket paths are limited to 107 bytes.
  sock="${dir}/.s.PGSQL.${port}"
  ((${#sock} <= 100)) || die "socket path ${sock} is too long; use a shorter DIR"
  if [[ ${EUID} -eq 0 ]]; then
    id -u postgres >/dev/null 2>&1 || die "running as root but there is no 'postgres' user"
    chown postgres:postgres -- "${dir}" || die "cannot chown ${dir} to postgres"
    runuser -u postgres -- test -w "${dir}" -a -x "${dir}" ||
      die "user postgres cannot write ${dir} (is a parent directory closed to it? use e.g. /tmp)"
  fi
  as_owner "${PGBIN}/initdb" -D "${data}" -U postgres -E UTF8 --locale=C \
    --auth-local=trust --auth-host=trust --no-sync >"${dir}/initdb.log" 2>&1 ||
    die "initdb failed, see ${dir}/initdb.log: $(tail -n 3 "${dir}/initdb.log" 2>/dev/null)"
  # Settings for this machine (2 cores, 24 GiB RAM) and a single benchmark session that runs one
  # big analytic statement; appended last so they win over the initdb defaults.
  cat >>"${data}/postgresql.conf" <<EOF

# ---- pg_temp.sh (ranking benchmark) ----
listen_addresses = '127.0.0.1'
port = ${port}
unix_socket_directories = '${dir}'
max_connections = 20
# Memory: the whole benchmark data set (10 M batches, 5 M sales, ~3 GB with the indexes) fits
# in RAM. shared_buffers holds every index ranking.sql reads (~1.3 GB) with room to spare; the
# rest stays in the OS cache.
shared_buffers = 4GB
effective_cache_size = 18GB
work_mem = 256MB                 # one session; ranking.sql needs little (per-product aggregates)
maintenance_work_mem = 2GB       # index builds in indexes.sql
# 2 cores: at most the leader plus 1 worker (ranking.sql's per-product LATERAL plan runs in one
# process anyway; parallel plans only pay off for the index builds).
max_worker_processes = 4
max_parallel_workers = 2
max_parallel_workers_per_gather = 1
max_parallel_maintenance_workers = 1
# Everything is cached: random reads cost about as much as sequential ones.
random_page_cost = 1.1
seq_page_cost = 1.0
effective_io_concurrency = 200
# JIT: measured 2x slower on ranking.sql (compiles per execution, the per-product expressions
# are tiny).
jit = off
# ranking.sql is planned with the actual period (index range bounds, row estimates); a cached
# generic plan of a named prepared statement measured ~40 % slower, so always plan custom.
plan_cache_mode = force_custom_plan
# Throwaway benchmark cluster: durability is not needed, so skip fsync and WAL work (never do
# this with data you want to keep; a crash can corrupt the cluster).
fsync = off
synchronous_commit = off
full_page_writes = off
wal_level = minimal
max_wal_senders = 0
max_wal_size = 16GB
checkpoint_timeout = 30min
# indexes.sql vacuums and analyzes after the load; autovacuum would only add noise to timings.
autovacuum = off
logging_collector = off
EOF
  # pg_ctl -w returns once the server reports itself ready to accept connections (or fails,
  # or the timeout passes): it waits on the server's own readiness, no polling here.
  as_owner "${PGBIN}/pg_ctl" -D "${data}" -l "${dir}/postgres.log" -w -t "${READY_TIMEOUT_S}" \
    start >/dev/null 2>&1 ||
    die "server not ready within ${READY_TIMEOUT_S}s, see ${dir}/postgres.log: $(tail -n 3 "${dir}/postgres.log" 2>/dev/null)"
  "${PGBIN}/pg_isready" -q -h "${dir}" -p "${port}" -U postgres -d postgres -t 5 ||
    die "server started but does not accept connections on ${dir}:${port}"
  "${PGBIN}/createdb" -h "${dir}" -p "${port}" -U postgres unggul >/dev/null ||
    die "createdb unggul failed"
  ;;
stop)
  [[ $# -eq 2 ]] || usage
  dir=$(cd -- "$2" 2>/dev/null && pwd -P) || die "no such directory $2"
  data=${dir}/data
  [[ -f ${data}/PG_VERSION ]] || die "${data} is not a PostgreSQL cluster"
  as_owner "${PGBIN}/pg_ctl" -D "${data}" -m fast -w -t "${READY_TIMEOUT_S}" stop >/dev/null 2>&1 ||
    die "pg_ctl stop failed (not running?), see ${dir}/postgres.log"
  ;;
*)
  usage
  ;;
esac
