#!/usr/bin/env bash
# The main job on SampleData, end to end (the README's first command runs this after Tools/setup.sh):
#   1. build the release CLI;
#   2. batch-score every ECG under SampleData/ecg into a fresh findings store and print the summary
#      (real and synthetic records; the generator's CSV side files are recorded as errors, as any
#      unreadable file would be, and the batch goes on);
#   3. put the SampleData CT studies (two synthetic phantoms, the real TCIA slice, the NEMA sample) on the
#      radiology worklist, tag them with the CT detector and list the worklist by priority;
#   4. export everything as FHIR R4 JSON and CSV;
#   5. export the CT results as DICOM SRs (TID 1500) with their overlays, the ECG results as HL7 v2.5.1
#      ORU^R01 messages, and check them with the validators when installed (Tools/setup.sh installs them).
# Output goes to ${VIGIL_OUT:-out}/ (git-ignored). Research software: no output is a diagnosis.
set -euo pipefail
cd "$(dirname "$0")/.."
out="${VIGIL_OUT:-out}"
mkdir -p "$out"
db="$out/sample-job.sqlite"
rm -f "$db" "$db-wal" "$db-shm"

swift build -c release --product vigil
vigil="$(swift build -c release --show-bin-path)/vigil"

echo "== Cardiology batch: SampleData/ecg → $db"
"$vigil" batch ecg SampleData/ecg --db "$db"

echo
echo "== Radiology worklist: SampleData/ct"
"$vigil" worklist add --folder SampleData/ct/synthetic --db "$db"
"$vigil" worklist add SampleData/ct/PancreasCT_0001_slice122_j2k.dcm SampleData/ct/CT_small.dcm --db "$db"
"$vigil" worklist tag --db "$db"
"$vigil" worklist list --db "$db"

echo
"$vigil" export --db "$db" --format fhir --output "$out/findings.fhir.json"
"$vigil" export --db "$db" --format csv --output "$out/findings.csv"
echo "== Wrote $db, $out/findings.fhir.json and $out/findings.csv"

echo
"$vigil" export --db "$db" --format dicom-sr --output "$out"
"$vigil" export --db "$db" --format hl7v2 --kind ecg --output "$out/findings.hl7"
if command -v dciodvfy >/dev/null && command -v dsr2xml >/dev/null; then Tools/dicomsr/validate.sh "$out"; fi
py="${VIGIL_PYTHON:-python3}"  # a Python with the PyPI package hl7
if "$py" -c 'import hl7' 2>/dev/null; then "$py" Tools/hl7/validate.py "$out/findings.hl7" | tail -1; fi
echo "== Wrote $out/*.sr.dcm (overlays: $out/*.sc.dcm) and $out/findings.hl7"
