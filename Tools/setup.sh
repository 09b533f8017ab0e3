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
#   --with-llm       also Tools/llm/setup.sh: llama-server and SmolLM2-135M for the explainer's end-to-end test
#                    (built once, cached in /var/cache/vigil/llm; ~13 min of CPU the first time)
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
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq "${missing[@]}"
fi
"$(dirname "$0")/postgres/cluster.sh" install
echo "setup: system packages present (${packages[*]} postgresql-15)"
if ((with_llm)); then "$(dirname "$0")/llm/setup.sh" --models smollm2; fi
