#!/usr/bin/env bash
# Scale-out benchmark (issue 17): records/s of the same synthetic ECG batch scored
#   (a) by `vigil batch ecg` into SQLite with 2 workers (the embedded default),
#   (b) by one `vigil worker --threads 1` on PostgreSQL,
#   (c) by one `vigil worker --threads 2`,
#   (d) by two `vigil worker --threads 1` processes sharing the queue,
# in one run on this machine, each from an empty store; `--enqueue` is timed on its own. Prints a table and
# the ratios (PostgreSQL overhead = (a) / (c); scaling = (d) / (b)). Nothing is tuned on its figures.
#   Tools/postgres/bench.sh [RECORDS (default 300)] [VIGIL (default .build/release/vigil)]
# Needs a cluster: VIGIL_PG_URL, or it starts a throw-away one (Tools/postgres/cluster.sh) and stops it.
set -euo pipefail
cd "$(dirname "$0")/../.."
n="${1:-300}"; vigil="${2:-.build/release/vigil}"
[ -x "$vigil" ] || { echo "bench: $vigil not built (swift build -c release --product vigil)" >&2; exit 2; }
work="$(mktemp -d /tmp/vigil-pgbench.XXXXXX)"
cleanup() { rm -rf "$work"; [ -n "${own_state:-}" ] && VIGIL_PG_STATE="$own_state" ./Tools/postgres/cluster.sh stop >/dev/null 2>&1 || true; }
trap cleanup EXIT
if [ -z "${VIGIL_PG_URL:-}" ]; then
  own_state="$(mktemp /tmp/vigil-pg-bench.XXXXXX)"; rm -f "$own_state"
  VIGIL_PG_URL="$(VIGIL_PG_STATE="$own_state" ./Tools/postgres/cluster.sh start)"
fi
base="${VIGIL_PG_URL%/*}"
export PGOPTIONS="-c client_min_messages=warning"
now() { date +%s.%N; }
calc() { awk "BEGIN { printf \"%.2f\", $1 }"; }  # floating-point arithmetic without bc
load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
"$vigil" synth ecg --count "$n" --out "$work/ecg" --seed 17 >/dev/null 2>&1
fresh_db() {  # prints the URL of a new empty database
  local name="vigil_bench_$1_$$"
  psql "$VIGIL_PG_URL" -qAtc "DROP DATABASE IF EXISTS $name" -c "CREATE DATABASE $name" >/dev/null
  echo "$base/$name"
}
declare -A secs cpu busy
# CPU seconds used by this script's finished children (cutime + cstime of /proc/$$/stat, in clock ticks),
# and machine-wide busy ticks (/proc/stat, every process: the workers, PostgreSQL and anything else).
hz=$(getconf CLK_TCK)
child_ticks() { awk '{ print $16 + $17 }' "/proc/$$/stat"; }
busy_ticks() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8; exit }' /proc/stat; }
start_case() { t0=$(now); c0=$(child_ticks); b0=$(busy_ticks); }
end_case() {  # end_case NAME
  secs[$1]=$(calc "$(now) - $t0")
  cpu[$1]=$(calc "($(child_ticks) - $c0) / $hz")
  busy[$1]=$(calc "100 * ($(busy_ticks) - $b0) / $hz / ${secs[$1]} / $(nproc)")
}
start_case; "$vigil" batch ecg "$work/ecg" --db "$work/a.sqlite" --workers 2 >/dev/null 2>&1; end_case a
for case in b c d; do
  db="$(fresh_db "$case")"
  t0=$(now); "$vigil" batch ecg "$work/ecg" --db "$db" --enqueue >/dev/null 2>&1; secs[enq_$case]=$(calc "$(now) - $t0")
  start_case
  case "$case" in
    b) "$vigil" worker --db "$db" --threads 1 --exit-when-idle --progress-interval 0 >/dev/null 2>&1 ;;
    c) "$vigil" worker --db "$db" --threads 2 --exit-when-idle --progress-interval 0 >/dev/null 2>&1 ;;
    d) "$vigil" worker --db "$db" --threads 1 --exit-when-idle --progress-interval 0 --name w1 >/dev/null 2>&1 &
       p1=$!
       "$vigil" worker --db "$db" --threads 1 --exit-when-idle --progress-interval 0 --name w2 >/dev/null 2>&1
       wait "$p1" ;;
  esac
  end_case "$case"
  outcomes=$(psql "$db" -qAtc "SELECT count(*) FROM outcomes")
  jobs=$(psql "$db" -qAtc "SELECT count(*) FROM jobs")
  echo "case $case: $outcomes outcomes, $jobs jobs left" >&2
  bytes=$(psql "$db" -qAtc "SELECT pg_database_size(current_database()) - pg_database_size('template1')")
done
rate() { calc "$n / $1"; }
echo "records: $n synthetic 10 s 12-lead ECGs (vigil synth ecg --seed 17); $(nproc) cores; load before: $load_before, after: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-44s %8s %10s %12s %10s\n' "case" "seconds" "records/s" "vigil CPU s" "machine %"
printf '%-44s %8.1f %10s %12s %10s\n' "(a) batch ecg, SQLite, --workers 2" "${secs[a]}" "$(rate "${secs[a]}")" "${cpu[a]}" "${busy[a]}"
printf '%-44s %8.1f %10s %12s %10s\n' "(b) 1 worker --threads 1, PostgreSQL" "${secs[b]}" "$(rate "${secs[b]}")" "${cpu[b]}" "${busy[b]}"
printf '%-44s %8.1f %10s %12s %10s\n' "(c) 1 worker --threads 2, PostgreSQL" "${secs[c]}" "$(rate "${secs[c]}")" "${cpu[c]}" "${busy[c]}"
printf '%-44s %8.1f %10s %12s %10s\n' "(d) 2 workers --threads 1, PostgreSQL" "${secs[d]}" "$(rate "${secs[d]}")" "${cpu[d]}" "${busy[d]}"
printf '%-44s %8.1f\n' "--enqueue (mean of 3)" "$(calc "(${secs[enq_b]} + ${secs[enq_c]} + ${secs[enq_d]}) / 3")"
echo "PostgreSQL time / SQLite time, 2 cores: $(calc "${secs[c]} / ${secs[a]}")"
echo "scaling, 2 workers / 1 worker (throughput): $(calc "${secs[b]} / ${secs[d]}")"
echo "PostgreSQL database growth per record (all tables and indexes, after case d): $(calc "$bytes / $n / 1024") KiB"
