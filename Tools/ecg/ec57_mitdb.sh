#!/usr/bin/env bash
# EC57 (bxb-style) QRS-detection table on the whole MIT-BIH Arrhythmia Database, with the release build.
#
#   Tools/ecg/ec57_mitdb.sh [MITDB_DIR] [OUT_FILE]
#
# MITDB_DIR defaults to ../shared/data/ecg-real/mitdb (the 48 records .hea/.dat/.atr); the database is read
# where it lies, never copied. OUT_FILE (default .build/ec57-mitdb.txt) receives the table that
# `vigil ecg eval` prints: per record the standard bxb figures (VF/VFL excluded, first 5 min not scored),
# then gross and average Se/+P for all four variants, the records refused and the analysis time per record.
set -euo pipefail
cd "$(dirname "$0")/../.."
dir="${1:-../shared/data/ecg-real/mitdb}"
out="${2:-.build/ec57-mitdb.txt}"
[ -d "$dir" ] || { echo "ec57_mitdb.sh: $dir: no such folder (give the MIT-BIH folder)" >&2; exit 2; }
shopt -s nullglob
records=("$dir"/*.hea)
[ "${#records[@]}" -gt 0 ] || { echo "ec57_mitdb.sh: $dir: no .hea files" >&2; exit 2; }
swift build -c release --product vigil >&2
bin="$(swift build -c release --show-bin-path)/vigil"
mkdir -p "$(dirname "$out")"
"$bin" ecg eval "${records[@]}" | tee "$out"
echo "written: $out" >&2
