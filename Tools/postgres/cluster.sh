#!/usr/bin/env bash
# A throw-away PostgreSQL 15 cluster on loopback for Vigil's tests and benchmarks (issue 17).
#
#   Tools/postgres/cluster.sh [start]   installs postgresql-15 from Debian if missing, starts a cluster in a temp
#                                       folder (initdb + pg_ctl) on 127.0.0.1, prints its URL on stdout
#   Tools/postgres/cluster.sh url       prints the URL of the running cluster (exit 1 when none runs)
#   Tools/postgres/cluster.sh status    says whether it runs
#   Tools/postgres/cluster.sh stop      stops it and deletes its folder
#   Tools/postgres/cluster.sh install   only installs postgresql-15 (no 'main' cluster); Tools/setup.sh runs it
#
# Idempotent: `start` with a cluster already running prints its URL again; `stop` with none is a no-op.
# Every wait is bounded (VIGIL_PG_WAIT seconds, default 60).
# Environment:
#   VIGIL_PG_STATE  file that remembers the running cluster (default /tmp/vigil-pg-cluster.state)
#   VIGIL_PG_PORT   port to listen on (default: the first free one from 54329)
#
# The cluster is for tests only: authentication is `trust` on loopback, and it runs with fsync=off,
# synchronous_commit=off and full_page_writes=off (a crash of the *machine* may lose it; a killed client
# or backend loses nothing committed). Role `vigil` (CREATEDB, so tests can make a database each) owns
# database `vigil`. Running as root, the server runs as the `postgres` user (initdb refuses root).
set -euo pipefail

state="${VIGIL_PG_STATE:-/tmp/vigil-pg-cluster.state}"
wait_s="${VIGIL_PG_WAIT:-60}"
bindir=/usr/lib/postgresql/15/bin

log() { echo "cluster: $*" >&2; }

install_if_missing() {
  [ -x "$bindir/initdb" ] && [ -x "$bindir/pg_ctl" ] && command -v psql >/dev/null && return 0
  log "installing postgresql-15 from Debian"
  local SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  # No 'main' cluster: Vigil's tests make their own, in a temp folder.
  if [ ! -e /etc/postgresql-common/createcluster.conf ]; then
    $SUDO mkdir -p /etc/postgresql-common
    echo "create_main_cluster = false" | $SUDO tee /etc/postgresql-common/createcluster.conf >/dev/null
  fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq -o Dpkg::Options::=--force-confold postgresql-15 postgresql-client-15 >/dev/null
  [ -x "$bindir/initdb" ] || { log "postgresql-15 did not install $bindir/initdb"; exit 1; }
}

# Runs a command as the cluster's owner: ourselves, or `postgres` when we are root.
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

read_state() {  # sets dir port; returns 1 when no state
  [ -f "$state" ] || return 1
  dir="$(sed -n 1p "$state")"; port="$(sed -n 2p "$state")"
  [ -n "$dir" ] && [ -n "$port" ]
}

running() {  # the remembered cluster answers
  read_state || return 1
  [ -d "$dir/data" ] || return 1
  as_owner "$bindir/pg_ctl" -D "$dir/data" status >/dev/null 2>&1 || return 1
  "$bindir/pg_isready" -q -h 127.0.0.1 -p "$port" -t 2
}

url() { echo "postgresql://vigil@127.0.0.1:$port/vigil"; }

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

start() {
  if running; then url; return 0; fi
  [ -f "$state" ] && stop >/dev/null 2>&1 || true
  install_if_missing
  if [ -n "${VIGIL_PG_PORT:-}" ]; then
    port="$VIGIL_PG_PORT"
    port_free "$port" || { log "port $port is taken"; exit 1; }
  else
    port=54329
    while ! port_free "$port"; do
      port=$((port + 1))
      [ "$port" -lt 54429 ] || { log "no free port in 54329-54428"; exit 1; }
    done
  fi
  dir="$(mktemp -d /tmp/vigil-pg.XXXXXX)"
  chmod 755 "$dir"
  [ "$(id -u)" -eq 0 ] && chown postgres: "$dir"
  printf '%s\n%s\n' "$dir" "$port" >"$state"
  log "initdb in $dir"
  as_owner "$bindir/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
    || { log "initdb failed:"; cat "$dir/initdb.log" >&2; exit 1; }
  as_owner tee -a "$dir/data/postgresql.conf" >/dev/null <<EOF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$dir'
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 200
log_min_messages = warning
EOF
  as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t "$wait_s" start >/dev/null \
    || { log "the server did not start:"; tail -20 "$dir/server.log" >&2; exit 1; }
  local waited=0
  until "$bindir/pg_isready" -q -h 127.0.0.1 -p "$port" -t 1; do
    waited=$((waited + 1))
    [ "$waited" -lt "$wait_s" ] || { log "no answer on port $port after ${wait_s}s"; exit 1; }
    sleep 1
  done
  psql -v ON_ERROR_STOP=1 -q -h 127.0.0.1 -p "$port" -U postgres -d postgres \
    -c "CREATE ROLE vigil LOGIN CREATEDB" -c "CREATE DATABASE vigil OWNER vigil" >/dev/null
  log "running on 127.0.0.1:$port (folder $dir)"
  url
}

stop() {
  if ! read_state; then log "no cluster"; return 0; fi
  if [ -d "$dir/data" ]; then
    as_owner "$bindir/pg_ctl" -D "$dir/data" -m fast -w -t "$wait_s" stop >/dev/null 2>&1 \
      || as_owner "$bindir/pg_ctl" -D "$dir/data" -m immediate -w -t "$wait_s" stop >/dev/null 2>&1 || true
  fi
  case "$dir" in /tmp/vigil-pg.*) rm -rf "$dir" ;; esac
  rm -f "$state"
  log "stopped"
}

case "${1:-start}" in
  start) start ;;
  install) install_if_missing ;;
  stop) stop ;;
  url) if running; then url; else log "no cluster running"; exit 1; fi ;;
  status) if running; then log "running on 127.0.0.1:$port"; else log "not running"; exit 1; fi ;;
  *) echo "usage: $0 [start|install|url|status|stop]" >&2; exit 2 ;;
esac
