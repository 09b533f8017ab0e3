#!/usr/bin/env bash
# Orthanc acceptance of exported SRs/SCs: starts a private Orthanc (Debian package `orthanc`) on
# loopback ports with a temporary storage folder, sends every *.sr.dcm / *.sc.dcm in DIR with dcmtk's
# storescu (C-STORE), then asks Orthanc's REST API for each SOP Instance UID and compares the file it
# returns with the one sent: the data sets must be equal (dcmdump of everything but the file meta group
# 0002, which Orthanc rewrites with its own source AE title and implementation UID). Stops Orthanc and removes its storage afterwards.
#   Tools/dicomsr/orthanc-roundtrip.sh DIR          (apt-get install orthanc dcmtk curl)
# Exit 1 when Orthanc refuses a file or returns a different one. Not run by CI (a tool, like validate.sh).
set -uo pipefail
dir="${1:?usage: Tools/dicomsr/orthanc-roundtrip.sh DIR}"
for t in Orthanc storescu dcmdump curl; do command -v "$t" >/dev/null || { echo "$t not installed (apt-get install orthanc dcmtk curl)"; exit 2; }; done
http="${ORTHANC_HTTP_PORT:-18042}"; dicom="${ORTHANC_DICOM_PORT:-14242}"
work="$(mktemp -d)"
cat >"$work/orthanc.json" <<JSON
{ "Name": "vigil-acceptance", "StorageDirectory": "$work/db", "IndexDirectory": "$work/db",
  "HttpPort": $http, "DicomPort": $dicom, "DicomAet": "ORTHANC", "RemoteAccessAllowed": false,
  "AuthenticationEnabled": false, "DicomCheckCalledAet": false, "Plugins": [] }
JSON
Orthanc "$work/orthanc.json" >"$work/orthanc.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 1 60); do curl -sf "http://127.0.0.1:$http/system" >/dev/null && break; sleep 0.5; done
curl -sf "http://127.0.0.1:$http/system" >/dev/null || { echo "Orthanc did not start:"; tail -5 "$work/orthanc.log"; exit 1; }
shopt -s nullglob
files=("$dir"/*.sr.dcm "$dir"/*.sc.dcm)
[ ${#files[@]} = 0 ] && { echo "$dir: no *.sr.dcm or *.sc.dcm"; exit 1; }
if ! storescu -R -aec ORTHANC 127.0.0.1 "$dicom" "${files[@]}" 2>"$work/storescu.log"; then
  echo "storescu failed:"; tail -5 "$work/storescu.log"; exit 1
fi
fail=0
for f in "${files[@]}"; do
  uid="$(dcmdump +P 0008,0018 "$f" | sed -n 's/.*\[\(.*\)\].*/\1/p')"
  id="$(curl -sf -X POST --data "$uid" "http://127.0.0.1:$http/tools/lookup" | sed -n 's/.*"ID" *: *"\([^"]*\)".*/\1/p' | head -1)"
  if [ -z "$id" ]; then echo "$(basename "$f"): NOT stored by Orthanc"; fail=1; continue; fi
  if curl -sf "http://127.0.0.1:$http/instances/$id/file" -o "$work/back.dcm" \
     && diff <(dcmdump -q +L "$f" | grep -v '^(0002,') <(dcmdump -q +L "$work/back.dcm" | grep -v '^(0002,') >/dev/null; then
    echo "$(basename "$f"): stored (C-STORE) and returned with an equal data set (Orthanc instance $id)"
  else
    echo "$(basename "$f"): Orthanc returned a different data set"; fail=1
  fi
done
echo "${#files[@]} files: $([ $fail = 0 ] && echo 'Orthanc accepted and returned all' || echo FAILURES) ($(Orthanc --version 2>/dev/null | head -1))"
exit $fail
