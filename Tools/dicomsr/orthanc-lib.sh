# Sourced by the Orthanc scripts (Tools/dicomsr/orthanc-roundtrip.sh, Tools/service/orthanc-stow.sh): a private
# Orthanc (Debian packages orthanc, orthanc-dicomweb) on loopback ports with a temporary storage folder.
#   orthanc_start EXTRA_JSON   starts it with "DicomWeb": { "Enable": true, "Root": "/dicom-web/" EXTRA_JSON }
#                              (EXTRA_JSON: more DicomWeb members, e.g. ', "Servers": {...}'), waits until its REST
#                              API answers (30 s) and sets ORTHANC_API; exit 1 with its log's tail when it does not
#   orthanc_stop               SIGTERM, then SIGKILL after 10 s; removes the storage (called on EXIT)
# Ports: ORTHANC_HTTP_PORT (default 18042), ORTHANC_DICOM_PORT (default 14242), both on 127.0.0.1, AE title ORTHANC.
# Orthanc gets no descriptor of the caller's but its log, so a caller reading our output to its end is not held
# open by it.
ORTHANC_HTTP_PORT="${ORTHANC_HTTP_PORT:-18042}"
ORTHANC_DICOM_PORT="${ORTHANC_DICOM_PORT:-14242}"
ORTHANC_API="http://127.0.0.1:$ORTHANC_HTTP_PORT"
ORTHANC_PLUGIN=/usr/share/orthanc/plugins/libOrthancDicomWeb.so
ORTHANC_WORK="$(mktemp -d /tmp/vigil-orthanc-XXXXXX)"
ORTHANC_PID=""

orthanc_stop() {
  if [ -n "$ORTHANC_PID" ]; then
    kill "$ORTHANC_PID" 2>/dev/null
    for _ in $(seq 1 100); do kill -0 "$ORTHANC_PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$ORTHANC_PID" 2>/dev/null
    wait "$ORTHANC_PID" 2>/dev/null
    ORTHANC_PID=""
  fi
  rm -rf "$ORTHANC_WORK"
}

orthanc_start() {
  local plugins="[]"
  [ -f "$ORTHANC_PLUGIN" ] && plugins="[\"$ORTHANC_PLUGIN\"]"
  cat >"$ORTHANC_WORK/orthanc.json" <<JSON
{ "Name": "vigil-acceptance", "StorageDirectory": "$ORTHANC_WORK/db", "IndexDirectory": "$ORTHANC_WORK/db",
  "HttpPort": $ORTHANC_HTTP_PORT, "DicomPort": $ORTHANC_DICOM_PORT, "DicomAet": "ORTHANC", "RemoteAccessAllowed": false,
  "HttpBindAddress": "127.0.0.1", "AuthenticationEnabled": false, "DicomCheckCalledAet": false,
  "Plugins": $plugins, "DicomWeb": { "Enable": true, "Root": "/dicom-web/" ${1:-} } }
JSON
  (
    for fd in /proc/$BASHPID/fd/*; do n="${fd##*/}"; [ "$n" -gt 2 ] 2>/dev/null && eval "exec $n>&-"; done
    exec Orthanc "$ORTHANC_WORK/orthanc.json"
  ) </dev/null >"$ORTHANC_WORK/orthanc.log" 2>&1 &
  ORTHANC_PID=$!
  for _ in $(seq 1 60); do curl -sf "$ORTHANC_API/system" >/dev/null && return 0; sleep 0.5; done
  echo "Orthanc did not start:"; tail -5 "$ORTHANC_WORK/orthanc.log"; exit 1
}
