#!/usr/bin/env bash
# End to end: a running `vigil serve` and the official Python MCP client. Stores one SampleData ECG record
# (POST /v1/ecg/score?store=true as scorer), then runs Tools/mcp/client.py against POST /mcp with the assistant
# token (initialize, tools/list, explain_findings, the other tools, a model card, 401 without a token), checks
# that a reader token gets 403 on /mcp, and that the audit log names the assistant's token for the MCP calls.
#   Tools/mcp/e2e.sh        VIGIL=.build/debug/vigil PYTHON=/var/cache/vigil/validators/bin/python (Tools/setup.sh makes it) MODELS=Models
cd "$(dirname "$0")/../.."
PYTHON=${PYTHON:-${VIGIL_VALIDATORS:-/var/cache/vigil/validators}/bin/python}
SERVE_ARGS=(--models "${MODELS:-Models}")
source Tools/service/common.sh

REC=SampleData/ecg/synthetic/syn000002
ID=$(curl -sf -H "Authorization: Bearer $SCORER" -F "file=@$REC.hea" -F "file=@$REC.dat" \
     "$BASE/v1/ecg/score?store=true" | sed -n 's/.*"inputId":\([0-9]*\).*/\1/p')
[ -n "$ID" ] || { echo "e2e: could not store $REC" >&2; exit 1; }
echo "e2e: stored $REC as input $ID" >&2

"$PYTHON" Tools/mcp/client.py --url "$BASE/mcp" --token "$ASSISTANT" --input-id "$ID" --all --check-auth

STATUS=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $READER" -H "Content-Type: application/json" \
         -H "Accept: application/json" --data '{"jsonrpc":"2.0","id":1,"method":"tools/list"}' "$BASE/mcp")
[ "$STATUS" = 403 ] || { echo "e2e: a reader token on /mcp answered $STATUS, expected 403" >&2; exit 1; }
echo "e2e: reader token on /mcp: 403" >&2

AUDIT=$(curl -sf -H "Authorization: Bearer $ADMIN" "$BASE/v1/audit?limit=1000")
ACTOR=$(printf '%s' "$AUDIT" | "$PYTHON" -c '
import json, sys
entries = json.load(sys.stdin)["entries"]
mcp = [e for e in entries if (e.get("details") or {}).get("via") == "mcp" or e["action"] == "explanation.request"]
actors = sorted({e["actor"] for e in mcp})
print(",".join(actors), len(mcp), file=sys.stderr)
print(actors[0] if len(actors) == 1 else "")')
[[ "$ACTOR" == token:* ]] || { echo "e2e: MCP audit entries do not name exactly one token: '$ACTOR'" >&2; exit 1; }
echo "e2e: MCP calls audited as $ACTOR" >&2
echo "e2e: OK"
