#!/usr/bin/env bash
# Beat-by-beat P-wave detection against the 12 expert P-wave annotation files of the MIT-BIH Arrhythmia
# Database (.pwave next to the .hea): Se/+P per record and gross on rhythm segments with P waves, and P waves
# called in AFIB/AFL segments. Usage: Tools/ecg/pwave_mitdb.sh [MITDB_DIR] [VIGIL]  (defaults
# ../shared/data/ecg-real/mitdb, .build/release/vigil). Extra options go to `vigil ecg eval --pwaves` via PWAVE_OPTS.
set -euo pipefail
dir=${1:-../shared/data/ecg-real/mitdb}
vigil=${2:-.build/release/vigil}
recs=()
for p in "$dir"/*.pwave; do recs+=("${p%.pwave}.hea"); done
[ ${#recs[@]} -gt 0 ] || { echo "no .pwave files in $dir" >&2; exit 1; }
# shellcheck disable=SC2086
exec "$vigil" ecg eval --pwaves ${PWAVE_OPTS:-} "${recs[@]}"
