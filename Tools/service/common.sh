# Sourced by the Tools/service scripts: starts `vigil serve` on a free loopback port over a scratch store,
# with one token per role, and stops it (SIGTERM) on exit. Needs VIGIL (default .build/release/vigil).
set -euo pipefail
VIGIL=${VIGIL:-.build/release/vigil}
[ -x "$VIGIL" ] || { echo "no $VIGIL: run swift build -c release (or set VIGIL)" >&2; exit 2; }
WORK=$(mktemp -d /tmp/vigil-service-XXXXXX)
DB=$WORK/vigil.sqlite
SCORER=$("$VIGIL" token create --db "$DB" --role scorer --name load-scorer 2>/dev/null)
READER=$("$VIGIL" token create --db "$DB" --role reader --name load-reader 2>/dev/null)
ASSISTANT=$("$VIGIL" token create --db "$DB" --role assistant --name load-assistant 2>/dev/null)
ADMIN=$("$VIGIL" token create --db "$DB" --role admin --name load-admin 2>/dev/null)
# Limited to one site: sees only what that site's scorers stored (docs/service.md, "Sites").
SITE_READER=$("$VIGIL" token create --db "$DB" --role reader --name load-site-reader --site load-site 2>/dev/null)
"$VIGIL" serve --db "$DB" --port 0 "${SERVE_ARGS[@]}" 2> "$WORK/serve.log" &
SERVER_PID=$!
stop_server() {
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    for _ in $(seq 1 300); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null; echo "server exit status: $?" >&2
    [ -n "${KEEP_WORK:-}" ] || rm -rf "$WORK"
}
trap stop_server EXIT
PORT=""
for _ in $(seq 1 600); do
    PORT=$(sed -n 's/.*listening on http:\/\/127\.0\.0\.1:\([0-9]*\).*/\1/p' "$WORK/serve.log" | head -1)
    [ -n "$PORT" ] && break
    kill -0 "$SERVER_PID" 2>/dev/null || { cat "$WORK/serve.log" >&2; exit 1; }
    sleep 0.2
done
[ -n "$PORT" ] || { echo "server did not start" >&2; exit 1; }
BASE=http://127.0.0.1:$PORT
echo "vigil serve on $BASE (store $DB)" >&2
