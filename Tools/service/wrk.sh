#!/usr/bin/env bash
# Bounded load test of `vigil serve` on loopback with wrk (apt install wrk): throughput and latency
# percentiles of POST /v1/ecg/score (a real DICOM ECG from SampleData, unstored) and POST /v1/explain
# (template backend), then 2x overload of the scoring queue (expect 429s, no 5xx, no socket errors).
#   Tools/service/wrk.sh            DURATION=20s SLOTS=2 QUEUE=8 VIGIL=.build/release/vigil
cd "$(dirname "$0")/../.."
DURATION=${DURATION:-20s}
SLOTS=${SLOTS:-2}
QUEUE=${QUEUE:-8}
SERVE_ARGS=(--scoring-slots "$SLOTS" --scoring-queue "$QUEUE" --models "${MODELS:-Models}")
source Tools/service/common.sh
command -v wrk >/dev/null || { echo "wrk not installed (apt install wrk)" >&2; exit 2; }

BODY=SampleData/ecg/pydicom-3.0.2_waveform_ecg.dcm
ID=$(curl -sf -H "Authorization: Bearer $SCORER" -H "Content-Type: application/dicom" --data-binary @"$BODY" \
     "$BASE/v1/ecg/score?store=true" | sed -n 's/.*"inputId":\([0-9]*\).*/\1/p')
[ -n "$ID" ] || { echo "could not store the sample record" >&2; exit 1; }
printf '{"inputId": %s, "audience": "patient", "question": "Is my heart rhythm normal?"}' "$ID" > "$WORK/explain.json"

cat > "$WORK/post.lua" <<'LUA'
local f = assert(io.open(os.getenv("BODY_FILE"), "rb")); local body = f:read("*a"); f:close()
wrk.method = "POST"; wrk.body = body
wrk.headers["Content-Type"] = os.getenv("CONTENT_TYPE")
wrk.headers["Authorization"] = "Bearer " .. os.getenv("TOKEN")
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) statuses = {} end
function response(status, headers, body) statuses[status] = (statuses[status] or 0) + 1 end
function done(summary, latency, requests)
  local total = {}
  for _, t in ipairs(threads) do
    for k, v in pairs(t:get("statuses")) do total[k] = (total[k] or 0) + v end
  end
  local keys = {}
  for k in pairs(total) do table.insert(keys, k) end
  table.sort(keys)
  for _, k in ipairs(keys) do io.write(string.format("status %d: %d\n", k, total[k])) end
  io.write(string.format("p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, max %.1f ms\n", latency:percentile(50) / 1000,
    latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
LUA

run() {  # name connections url body content-type token
    echo "== $1: $2 connections, $DURATION"
    BODY_FILE=$4 CONTENT_TYPE=$5 TOKEN=$6 wrk -t2 -c"$2" -d"$DURATION" --timeout 30s -s "$WORK/post.lua" "$3"
}
CAPACITY=$((SLOTS + QUEUE))
run "score (within capacity)" "$SLOTS" "$BASE/v1/ecg/score" "$BODY" application/dicom "$SCORER"
run "explain" 4 "$BASE/v1/explain" "$WORK/explain.json" application/json "$READER"
run "score, 2x overload" $((2 * CAPACITY)) "$BASE/v1/ecg/score" "$BODY" application/dicom "$SCORER"
echo "== server log: statuses of all requests"
grep -o '/v1/[a-z/]* [0-9][0-9][0-9]' "$WORK/serve.log" | sort | uniq -c
