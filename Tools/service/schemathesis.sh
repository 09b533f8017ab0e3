#!/usr/bin/env bash
# Property-based API test of `vigil serve` against its own /openapi.json with schemathesis (pip install
# schemathesis, into the tools venv): no 5xx, responses conform to the document, per role. Bounded by
# MAX_EXAMPLES per operation and a time limit. The two STOW-RS operations are left out: schemathesis cannot
# generate multipart/related bodies ("no supported serializers"); Orthanc's own STOW-RS client and
# Tests/VigilServiceTests/DICOMWebMountTests cover them.
#   Tools/service/schemathesis.sh     MAX_EXAMPLES=30 PY=/work/venv-tools/bin/python VIGIL=.build/release/vigil
cd "$(dirname "$0")/../.."
MAX_EXAMPLES=${MAX_EXAMPLES:-30}
PY=${PY:-/work/venv-tools/bin/python}
SERVE_ARGS=(--models "${MODELS:-/nonexistent}")
source Tools/service/common.sh
ST=$(dirname "$PY")/schemathesis
[ -x "$ST" ] || { echo "schemathesis not installed in $(dirname "$PY")" >&2; exit 2; }
# One stored record (of no site), so that the id-taking routes also see an existing id; SITE_READER must not.
curl -sf -H "Authorization: Bearer $SCORER" -H "Content-Type: application/dicom" \
     --data-binary @SampleData/ecg/pydicom-3.0.2_waveform_ecg.dcm "$BASE/v1/ecg/score?store=true" >/dev/null
status=0
for role in SCORER READER ASSISTANT ADMIN SITE_READER; do
    echo "== schemathesis as $role"
    timeout 600 "$ST" run "$BASE/openapi.json" --url "$BASE" -H "Authorization: Bearer ${!role}" \
        --checks all --exclude-path-regex '^/dicomweb/' --max-examples "$MAX_EXAMPLES" --seed 21 --no-color || status=1
done
exit $status
