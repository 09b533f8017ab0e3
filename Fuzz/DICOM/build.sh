#!/usr/bin/env bash
# Builds a libFuzzer harness and optionally runs it. Not part of `swift test`.
#   Fuzz/DICOM/build.sh parser          # DICOM parser + JPEG Lossless decoder: .build-fuzz/fuzz-parser
#   Fuzz/DICOM/build.sh pixels 300      # parser + CT pixel path (OpenJPEG, rescale, assembly), fuzz 300 s
# Each run starts from a copy of Fuzz/DICOM/corpus in .build-fuzz/corpus-NAME; crashes go to .build-fuzz/artifacts-NAME/.
set -euo pipefail
cd "$(dirname "$0")/../.."
target=${1:-parser}
out=.build-fuzz
mkdir -p "$out/artifacts-$target" "$out/corpus-$target"
sources=(Sources/DICOM/*.swift)
flags=()
if [ "$target" = pixels ]; then
  # One module for both libraries: their `import DICOM` lines are then ignored with a warning.
  sources+=(Sources/ImagingFormats/*.swift)
  flags+=(-module-name DICOM -I Sources/CPNG -I Sources/COpenJPEG
          -Xcc -I/usr/include/openjpeg-2.5 -Xcc -I/usr/include/libpng16 -lopenjp2 -lpng16)
fi
swiftc -sanitize=fuzzer,address -parse-as-library -O -g "${flags[@]}" \
  "${sources[@]}" "Fuzz/DICOM/$target/FuzzEntry.swift" -o "$out/fuzz-$target" 2>&1 | grep -v "Cannot export local symbol\|ignoring import" || true
test -x "$out/fuzz-$target"
echo "built $out/fuzz-$target"
if [ "${2:-}" != "" ]; then
  cp -n Fuzz/DICOM/corpus/* "$out/corpus-$target/" 2>/dev/null || true
  "$out/fuzz-$target" "$out/corpus-$target" -max_total_time="$2" -max_len=65536 -rss_limit_mb=2048 -timeout=10 \
    -dict=Fuzz/DICOM/dicom.dict -artifact_prefix="$out/artifacts-$target/" -print_final_stats=1
fi
