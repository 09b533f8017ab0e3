#!/usr/bin/env bash
# Collects real language-model answers for the claim checker's audit: starts the cached llama-server
# (Tools/llm/setup.sh) with one model on a loopback port, runs `vigil bench explain --record` over findings
# files (`vigil ecg score --json` output of real records), and stops the server.
#
# Usage: Tools/llm/collect-answers.sh MODEL.gguf OUT_DIR FINDINGS... [-- extra `vigil bench explain` options]
#   e.g. Tools/llm/collect-answers.sh /var/cache/vigil/llm/models/qwen2.5-coder-0.5b-instruct-q4_k_m.gguf \
#          /tmp/answers-0.5b /tmp/findings -- --question "What happens next?"
# Then label the answers (Tools/llm/labels.json) and run Tools/llm/make-audit-fixture.py.
set -euo pipefail
DIR=${VIGIL_LLM_DIR:-/var/cache/vigil/llm}
MODEL=$1; OUT=$2; shift 2
paths=(); while (($#)) && [ "$1" != "--" ]; do paths+=("$1"); shift; done
[ "${1:-}" = "--" ] && shift
PORT=${VIGIL_LLM_PORT:-18080}
VIGIL=${VIGIL_BIN:-.build/debug/vigil}
nice -n 10 "$DIR/bin/llama-server" -m "$MODEL" --host 127.0.0.1 --port "$PORT" -c 4096 -t "${VIGIL_LLM_THREADS:-2}" \
  -np 1 --no-webui --no-repack > "$OUT.server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null || true' EXIT
for _ in $(seq 1 600); do curl -sf "http://127.0.0.1:$PORT/health" >/dev/null 2>&1 && break; sleep 0.5; done
export VIGIL_OPENAI_BASE_URL=http://127.0.0.1:$PORT/v1 VIGIL_OPENAI_MODEL=$(basename "$MODEL" .gguf)
export VIGIL_OPENAI_TIMEOUT=${VIGIL_OPENAI_TIMEOUT:-300} VIGIL_OPENAI_ATTEMPTS=1
"$VIGIL" bench explain "${paths[@]}" --record "$OUT" "$@"
