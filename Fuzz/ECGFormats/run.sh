#!/usr/bin/env bash
# Runs one fuzz target for SECS seconds on a copy of its seed corpus; new inputs go to .build/corpus-TARGET,
# crashes to .build/artifacts-TARGET/. Leak detection is off by default (DETECT_LEAKS=1 to enable): the
# only leaks seen were inside Foundation (Data(contentsOf:), FoundationXML error strings), see README.md.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
target="$1"; secs="${2:-120}"
work="$here/.build/corpus-$target"; art="$here/.build/artifacts-$target/"
mkdir -p "$work" "$art"
cp -n "$here/corpus/$target"/* "$work"/ 2>/dev/null || true
exec "$here/.build/fuzz-$target" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
    -artifact_prefix="$art" -detect_leaks="${DETECT_LEAKS:-0}" "$work"
