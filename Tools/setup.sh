#!/usr/bin/env bash
# Installs the system packages Vigil builds against (Debian 12). Idempotent; run as root (or with sudo).
#   libopenblas-dev  CBLAS for the tensor core (cblas_sgemm)
#   pkg-config       lets SwiftPM find OpenBLAS's headers and library
#   libssl-dev       OpenSSL libcrypto for SHA-256 of model weights (CCrypto / ContentHash)
#   libpng-dev       16-bit grayscale PNG slices (CPNG / ImagingFormats)
#   libopenjp2-7-dev JPEG 2000 pixel data in DICOM (COpenJPEG / ImagingFormats)
#   libsqlite3-dev   SQLite for the findings store (GRDB / FindingsStore)
#   zlib1g-dev       gzip for .nii.gz CT volumes (CZlib / ImagingFormats)
#   postgresql-15    the shared store and work queue's tests (Tools/test.sh starts a throw-away cluster);
#                    installed by Tools/postgres/cluster.sh install, which keeps Debian from creating and
#                    starting a 'main' cluster on port 5432
#   orthanc, orthanc-dicomweb  a real PACS for the SR round trip (Tools/dicomsr/orthanc-roundtrip.sh: STOW-RS and
#                    C-STORE, run by Tests/DICOMSRTests and the sample job on loopback ports); Debian's own
#                    Orthanc service is not started (a policy-rc.d for the install, when the machine has none)
#   python-hl7, mcp  the PyPI packages hl7 and mcp (the official MCP Python SDK) in a small virtual environment
#                    (/var/cache/vigil/validators, or VIGIL_VALIDATORS): Tools/hl7/validate.py (Tests/HL7v2Tests, the
#                    sample job) and the MCP client Tools/mcp/client.py (Tests/VigilCLITests/MCPClientTests)
#   --with-llm       also Tools/llm/setup.sh --models qwen0.5b: llama-server and Qwen2.5-Coder-0.5B for the explainer's
#                    end-to-end test (built once, cached in /var/cache/vigil/llm; ~7-13 min of CPU the first time).
#                    Tools/test.sh runs the same step itself.
set -euo pipefail
with_llm=0
for arg in "$@"; do
  case "$arg" in
    --with-llm) with_llm=1 ;;
    *) echo "setup: unknown argument '$arg' (--with-llm)" >&2; exit 2 ;;
  esac
done
packages=(libopenblas-dev pkg-config libssl-dev libpng-dev libopenjp2-7-dev libsqlite3-dev)
# Validators the export tests run (Tests/DICOMSRTests): dcmtk (dsr2xml, dsrdump, storescu) and dicom3tools (dciodvfy).
packages+=(dcmtk dicom3tools)
# zlib for NIfTI .nii.gz volumes (Sources/CZlib).
packages+=(zlib1g-dev)
# A real PACS for the SR round trip (Tools/dicomsr/orthanc-roundtrip.sh), and curl, which that script talks to it with.
packages+=(orthanc orthanc-dicomweb curl)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  # Installing orthanc would start Debian's own Orthanc service (ports 8042/4242 on every interface). Vigil's
  # scripts start their own on loopback and stop it after, so services stay off during the install, through a
  # policy-rc.d (man invoke-rc.d) that is removed afterwards; a machine's own policy-rc.d is left as it is.
  policy=/usr/sbin/policy-rc.d
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\n# Vigil setup: no service starts during the install\nexit 101\n' | $SUDO tee "$policy" >/dev/null
    $SUDO chmod 755 "$policy"
    trap '$SUDO rm -f "$policy"' EXIT
  fi
  $SUDO apt-get install -y -qq "${missing[@]}"
fi
"$(dirname "$0")/postgres/cluster.sh" install
echo "setup: system packages present (${packages[*]} postgresql-15)"
"$(dirname "$0")/hl7/validators-venv.sh"
if ((with_llm)); then "$(dirname "$0")/llm/setup.sh" --models qwen0.5b; fi
