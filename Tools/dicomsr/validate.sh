#!/usr/bin/env bash
# Validates `vigil export --format dicom-sr` output with David Clunie's dciodvfy (dicom3tools) and
# dcmtk's dsr2xml, independently of Vigil:   Tools/dicomsr/validate.sh DIR [--tree]
# Every *.sr.dcm must give 0 "Error" lines from dciodvfy and parse with dsr2xml; every *.sc.dcm
# must give 0 dciodvfy errors. With --tree, dsrdump prints each SR's content tree.
# Exit 1 when any file fails. Install the tools with Tools/setup.sh (apt: dicom3tools dcmtk).
set -uo pipefail
dir="${1:?usage: Tools/dicomsr/validate.sh DIR [--tree]}"
tree="${2:-}"
for t in dciodvfy dsr2xml dsrdump; do command -v "$t" >/dev/null || { echo "$t not installed (Tools/setup.sh)"; exit 2; }; done
shopt -s nullglob
fail=0; n=0
for f in "$dir"/*.sr.dcm "$dir"/*.sc.dcm; do
  n=$((n + 1))
  out="$(dciodvfy "$f" 2>&1)"
  errors="$(grep -c '^Error' <<<"$out")"
  warnings="$(grep -c '^Warning' <<<"$out")"
  xml="n/a"
  if [[ "$f" == *.sr.dcm ]]; then
    if dsr2xml "$f" >/dev/null 2>/tmp/dsr2xml.$$; then xml="parses"; else xml="FAILS: $(head -c 300 /tmp/dsr2xml.$$)"; fail=1; fi
  fi
  echo "$(basename "$f"): dciodvfy $errors errors, $warnings warnings; dsr2xml $xml"
  if [ "$errors" != 0 ]; then grep '^Error' <<<"$out"; fail=1; fi
  if [ "$tree" = "--tree" ] && [[ "$f" == *.sr.dcm ]]; then dsrdump "$f"; fi
done
rm -f /tmp/dsr2xml.$$
[ "$n" = 0 ] && { echo "$dir: no *.sr.dcm or *.sc.dcm files"; exit 1; }
echo "$n files: $([ $fail = 0 ] && echo 'all pass' || echo 'FAILURES')"
exit $fail
