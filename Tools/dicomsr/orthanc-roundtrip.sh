#!/usr/bin/env bash
# Orthanc acceptance of exported SRs/SCs: starts a private Orthanc (Debian packages `orthanc`, and
# `orthanc-dicomweb` for STOW-RS) on loopback ports with a temporary storage folder, and sends every
# *.sr.dcm / *.sc.dcm in DIR twice:
#   1. by STOW-RS (DICOMweb, PS3.18 §10.5: one multipart/related POST to /dicom-web/studies), when the
#      DICOMweb plugin is installed;
#   2. by C-STORE with dcmtk's storescu, after the first pass's instances were deleted.
# After each pass it asks Orthanc's REST API for every SOP Instance UID and compares the file Orthanc returns
# with the one sent: the data sets must be equal (dcmdump of everything but the file meta group 0002, which
# Orthanc rewrites with its own source AE title and implementation UID). Stops Orthanc and removes its
# storage afterwards.
#   Tools/dicomsr/orthanc-roundtrip.sh DIR      (apt-get install orthanc orthanc-dicomweb dcmtk curl)
# Ports: ORTHANC_HTTP_PORT (default 18042), ORTHANC_DICOM_PORT (default 14242), both on 127.0.0.1.
# Exit 1 when Orthanc refuses a file or returns a different one, 2 when a tool is missing.
# Run by the sample job and by Tests/DICOMSRTests (Tools/setup.sh installs Orthanc; in CI a missing one fails).
# Orthanc is started and stopped by Tools/dicomsr/orthanc-lib.sh (SIGTERM, then SIGKILL after 10 s, however
# the script ends).
set -uo pipefail
dir="${1:?usage: Tools/dicomsr/orthanc-roundtrip.sh DIR}"
for t in Orthanc storescu dcmdump curl; do
  command -v "$t" >/dev/null || { echo "$t not installed (apt-get install orthanc orthanc-dicomweb dcmtk curl)"; exit 2; }
done
source "$(dirname "$0")/orthanc-lib.sh"
trap orthanc_stop EXIT
trap 'exit 143' TERM INT HUP
orthanc_start
api="$ORTHANC_API"; dicom="$ORTHANC_DICOM_PORT"; plugin="$ORTHANC_PLUGIN"; work="$ORTHANC_WORK"
shopt -s nullglob
files=("$dir"/*.sr.dcm "$dir"/*.sc.dcm)
[ ${#files[@]} = 0 ] && { echo "$dir: no *.sr.dcm or *.sc.dcm"; exit 1; }
fail=0

# Checks that Orthanc holds every file with an equal data set; with "delete", removes them afterwards.
check() {  # check PASS-NAME [delete]
  local f uid id
  for f in "${files[@]}"; do
    uid="$(dcmdump +P 0008,0018 "$f" | sed -n 's/.*\[\(.*\)\].*/\1/p')"
    id="$(curl -sf -X POST --data "$uid" "$api/tools/lookup" | sed -n 's/.*"ID" *: *"\([^"]*\)".*/\1/p' | head -1)"
    if [ -z "$id" ]; then echo "$(basename "$f"): NOT stored by Orthanc ($1)"; fail=1; continue; fi
    if curl -sf "$api/instances/$id/file" -o "$work/back.dcm" \
       && diff <(dcmdump -q +L "$f" | grep -v '^(0002,') <(dcmdump -q +L "$work/back.dcm" | grep -v '^(0002,') >/dev/null; then
      echo "$(basename "$f"): stored ($1) and returned with an equal data set"
    else
      echo "$(basename "$f"): Orthanc returned a different data set ($1)"; fail=1
    fi
    [ "${2:-}" = delete ] && curl -sf -X DELETE "$api/instances/$id" >/dev/null
  done
}

passes=()
if [ -f "$plugin" ]; then
  boundary="vigil-$(date +%s%N)"
  body="$work/stow.body"
  : >"$body"
  for f in "${files[@]}"; do
    printf -- '--%s\r\nContent-Type: application/dicom\r\n\r\n' "$boundary" >>"$body"
    cat "$f" >>"$body"
    printf '\r\n' >>"$body"
  done
  printf -- '--%s--\r\n' "$boundary" >>"$body"
  status="$(curl -s -o "$work/stow.out" -w '%{http_code}' -X POST \
    -H "Content-Type: multipart/related; type=\"application/dicom\"; boundary=$boundary" \
    -H "Accept: application/dicom+json" --data-binary @"$body" "$api/dicom-web/studies")"
  if [ "$status" != 200 ]; then
    echo "STOW-RS answered HTTP $status:"; head -c 600 "$work/stow.out"; echo; fail=1
  elif tr -d ' \t\r\n' <"$work/stow.out" | grep -q '"00081198":{"Value"'; then  # a non-empty Failed SOP Sequence
    echo "STOW-RS refused some instances: $(head -c 600 "$work/stow.out")"; fail=1
  fi
  check STOW-RS delete
  passes+=(STOW-RS)
else
  echo "(STOW-RS pass skipped: $plugin not installed; apt-get install orthanc-dicomweb)"
fi
if ! storescu -R -aec ORTHANC 127.0.0.1 "$dicom" "${files[@]}" 2>"$work/storescu.log"; then
  echo "storescu failed:"; tail -5 "$work/storescu.log"; exit 1
fi
check C-STORE
passes+=(C-STORE)
echo "${#files[@]} files by ${passes[*]}: $([ $fail = 0 ] && echo 'Orthanc accepted and returned all' || echo FAILURES) (Orthanc $(curl -sf "$api/system" | sed -n 's/.*"Version" *: *"\([^"]*\)".*/\1/p'))"
exit $fail
