#!/usr/bin/env bash
# Builds one libFuzzer binary per ECGFormats parser with swiftc -sanitize=fuzzer,address, compiling the
# library sources directly (not part of the package or its tests). Usage:
#   Fuzz/ECGFormats/build.sh [TARGET…]  # builds into Fuzz/ECGFormats/.build (git-ignored scratch)
#   Fuzz/ECGFormats/run.sh TARGET SECS  # runs one target on its seed corpus
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
out="$here/.build"
mkdir -p "$out"
sources=("$root"/Sources/ECGFormats/*.swift)
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(WFDBHeader WFDBAnnotation WFDBRecord CSV XML CardioSoft DICOMECG)
# ECGFormats imports the DICOM module (for DICOM ECG waveforms): build it first as a separate module.
swiftc -sanitize=fuzzer,address -parse-as-library -O -g -module-name DICOM -emit-module -emit-module-path "$out/DICOM.swiftmodule" \
    -emit-library -static -o "$out/libDICOM.a" "$root"/Sources/DICOM/*.swift 2>&1 | { grep -v "Cannot export local symbol" || true; }
for target in "${targets[@]}"; do
    echo "building fuzz-$target"
    swiftc -sanitize=fuzzer,address -parse-as-library -O -g -module-name ECGFuzz -I "$out" -L "$out" -lDICOM \
        "${sources[@]}" "$here/harness/Fuzz$target.swift" -o "$out/fuzz-$target" 2>&1 \
        | { grep -v "Cannot export local symbol" || true; }
done
