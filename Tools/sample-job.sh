#!/usr/bin/env bash
# The main job on SampleData, end to end (the README's first command runs this after Tools/setup.sh):
#   1. build the release CLI;
#   2. batch-score every ECG under SampleData/ecg into a fresh findings store and print the summary
#      (real and synthetic records; the generator's side files — manifest, labels, beats, READMEs — are
#      recognised by their content and listed as skipped, not as errors);
#   3. put the SampleData CT studies (two synthetic phantoms, the real TCIA slice, the NEMA sample) on the
#      radiology worklist, tag them with the CT detector and list the worklist by priority;
#   4. export everything as FHIR R4 JSON and CSV;
#   5. export the CT results as DICOM SRs (TID 1500) with their overlays, the ECG results as HL7 v2.5.1
#      ORU^R01 messages, and check them with the validators when installed (Tools/setup.sh installs them):
#      dciodvfy and dsr2xml, a round trip through a private Orthanc on loopback (STOW-RS and C-STORE), python-hl7.
#   6. draw the 12-lead printout of the AF record and print the next things to do, with exact commands.
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
if command -v dciodvfy >/dev/null && command -v dsr2xml >/dev/null; then Tools/dicomsr/validate.sh "$out"
else echo "(SR validation skipped: dciodvfy/dsr2xml not installed; ./Tools/setup.sh installs them)"; fi
if command -v Orthanc >/dev/null && command -v storescu >/dev/null; then Tools/dicomsr/orthanc-roundtrip.sh "$out" | tail -1
else echo "(PACS round trip skipped: Orthanc/storescu not installed; ./Tools/setup.sh installs them)"; fi
# A Python with the PyPI package hl7: the one Tools/setup.sh made (Tools/hl7/validators-venv.sh), or VIGIL_PYTHON.
py="${VIGIL_PYTHON:-${VIGIL_VALIDATORS:-/var/cache/vigil/validators}/bin/python}"
if "$py" -c 'import hl7' 2>/dev/null; then "$py" Tools/hl7/validate.py "$out/findings.hl7" | tail -1
else echo "(HL7 validation skipped: $py has no PyPI package hl7; ./Tools/setup.sh makes it, or set VIGIL_PYTHON)"; fi
echo "== Wrote $out/*.sr.dcm (overlays: $out/*.sc.dcm) and $out/findings.hl7"

echo "== 12-lead printout of the AF record SampleData/ecg/synthetic/syn000002.hea → $out/syn000002-12lead.png"
"$vigil" ecg plot SampleData/ecg/synthetic/syn000002.hea --output "$out/syn000002-12lead.png"

# Next steps: an input with a positive finding (from the CSV export's header names), and the commands.
id="$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
  $col["kind"] == "ecg" && $col["status"] == "finding" && $col["decision"] == "positive" { print $col["input_id"]; exit }' "$out/findings.csv")"
bin="${vigil#"$PWD"/}"
echo
echo "== Next"
echo "  Open the 12-lead printout of the AF record:  xdg-open $out/syn000002-12lead.png"
if [ -n "$id" ]; then
  echo "  Explain a stored finding to a patient:       $bin explain --db $db --input $id --audience patient"
fi
echo "  Check this setup (models, CPU, store, LM):   $bin doctor --db $db"
