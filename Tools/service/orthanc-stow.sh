#!/usr/bin/env bash
# A real PACS pushes to Vigil (issue 21): a private Orthanc (Debian orthanc + orthanc-dicomweb) is configured with
# `vigil serve` as a DICOMweb server ("vigil", with a scorer token in its HTTP headers), receives CT files by its
# REST API, and sends each study on with its own STOW-RS client call, POST /dicom-web/servers/vigil/stow. Vigil
# must answer every instance as stored, and each study must then appear on Vigil's worklist with a tag from the
# CT detector (GET /v1/worklist as a reader) within TIMEOUT seconds (series quiet time 2 s).
#   Tools/service/orthanc-stow.sh [FILE.dcm ...]     default: the real CT files in SampleData/ct
#   VIGIL=.build/release/vigil (or a debug build), MODELS=Models, TIMEOUT=180
# Prints one line per study and exits 1 when Orthanc's STOW-RS call fails or a study is not tagged in time,
# 2 when a tool is missing. Both servers listen on 127.0.0.1 only and are stopped at the end.
cd "$(dirname "$0")/../.."
for t in Orthanc curl; do
  command -v "$t" >/dev/null || { echo "$t not installed (apt-get install orthanc orthanc-dicomweb dcmtk curl)" >&2; exit 2; }
done
[ -f /usr/share/orthanc/plugins/libOrthancDicomWeb.so ] || { echo "orthanc-dicomweb not installed" >&2; exit 2; }
files=("$@")
[ ${#files[@]} = 0 ] && files=(SampleData/ct/CT_small.dcm SampleData/ct/PancreasCT_0001_slice122_j2k.dcm)
TIMEOUT=${TIMEOUT:-180}
SERVE_ARGS=(--models "${MODELS:-Models}" --series-quiet-seconds 2)
source Tools/service/common.sh
set +e
source Tools/dicomsr/orthanc-lib.sh
trap 'orthanc_stop; stop_server' EXIT
trap 'exit 143' TERM INT HUP
orthanc_start ", \"Servers\": { \"vigil\": { \"Url\": \"$BASE/dicomweb/\", \"HttpHeaders\": { \"Authorization\": \"Bearer $SCORER\" } } }"

fail=0
studies=()
for f in "${files[@]}"; do
  answer="$(curl -sf -X POST --data-binary @"$f" "$ORTHANC_API/instances")" \
    || { echo "$(basename "$f"): Orthanc did not accept the file"; fail=1; continue; }
  study="$(printf '%s' "$answer" | sed -n 's/.*"ParentStudy" *: *"\([^"]*\)".*/\1/p')"
  # The Study Instance UID as Orthanc read it (also from files whose UIDs are explicit VR UN).
  uid="$(curl -sf "$ORTHANC_API/studies/$study" | tr -d '\n' | sed -n 's/.*"StudyInstanceUID" *: *"\([^"]*\)".*/\1/p')"
  status="$(curl -s -o "$WORK/stow.json" -w '%{http_code}' -X POST \
    --data "{\"Resources\": [\"$study\"], \"Synchronous\": true}" "$ORTHANC_API/dicom-web/servers/vigil/stow")"
  if [ "$status" != 200 ]; then
    echo "$(basename "$f"): Orthanc's STOW-RS call to Vigil answered HTTP $status: $(head -c 400 "$WORK/stow.json")"; fail=1; continue
  fi
  echo "$(basename "$f"): Orthanc sent study ${uid:0:24}... to Vigil by STOW-RS"
  studies+=("$uid")
done

# Vigil's worklist as a reader: each sent study must be there with a tag.
tagged_line() {  # the worklist entry of study $1 with its tag, when tagged
  curl -sf -H "Authorization: Bearer $READER" "$BASE/v1/worklist?limit=1000" | sed 's/},{/}\n{/g' \
    | grep -F "\"studyId\":\"$1\"" | grep -o '"tag":"[^"]*"' | head -1
}
deadline=$((SECONDS + TIMEOUT))
for uid in "${studies[@]}"; do
  tag=""
  while [ -z "$tag" ] && [ $SECONDS -lt $deadline ]; do tag="$(tagged_line "$uid")"; [ -z "$tag" ] && sleep 1; done
  if [ -n "$tag" ]; then echo "study ${uid:0:24}...: on Vigil's worklist, $tag"
  else echo "study ${uid:0:24}...: NOT tagged on Vigil's worklist within ${TIMEOUT} s"; fail=1; fi
done
echo "${#studies[@]} of ${#files[@]} studies sent by Orthanc $(curl -sf "$ORTHANC_API/system" | sed -n 's/.*"Version" *: *"\([^"]*\)".*/\1/p') to Vigil by STOW-RS: $([ $fail = 0 ] && echo 'all tagged on the worklist' || echo FAILURES)"
exit $fail
