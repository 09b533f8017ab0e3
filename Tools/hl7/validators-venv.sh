#!/usr/bin/env bash
# A small Python virtual environment with the independent peers the tests check Vigil against: python-hl7 (PyPI
# `hl7`), the parser Tools/hl7/validate.py checks the HL7 v2 exports with, and the official MCP Python SDK (PyPI
# `mcp`), the client Tools/mcp/client.py calls `vigil serve`'s POST /mcp with. Vigil itself needs no Python.
#   Tools/hl7/validators-venv.sh          creates it once (Tools/setup.sh runs this) and prints its python
# Where: VIGIL_VALIDATORS (default /var/cache/vigil/validators), outside the clone, so a second clone reuses it.
# Idempotent: an environment that already imports hl7 is left as it is. Exit 1 (with the reason) when no Python 3
# with venv can be found or installed, or pip cannot install hl7.
set -euo pipefail
dir="${VIGIL_VALIDATORS:-/var/cache/vigil/validators}"
version=0.4.5       # python-hl7 release the checks were written against
mcp_version=2.3.0   # MCP Python SDK release Tools/mcp/client.py was run with
py="$dir/bin/python"
if [ -x "$py" ] && "$py" -c "import hl7, mcp, importlib.metadata as m; assert m.version('mcp') == '$mcp_version'" 2>/dev/null; then
  echo "$py"; exit 0
fi
SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
if ! mkdir -p "$dir" 2>/dev/null; then $SUDO mkdir -p "$dir"; $SUDO chown "$(id -u):$(id -g)" "$dir"; fi
base="$(command -v python3 || true)"
if [ -z "$base" ] || ! "$base" -m venv --help >/dev/null 2>&1; then
  echo "validators-venv: installing python3-venv from Debian" >&2
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq && $SUDO apt-get install -y -qq python3-venv >/dev/null
  base=/usr/bin/python3
fi
if [ -n "$(ls -A "$dir")" ] && [ ! -f "$dir/pyvenv.cfg" ]; then
  echo "validators-venv: $dir is not empty and not a virtual environment; set VIGIL_VALIDATORS to another folder" >&2; exit 1
fi
"$base" -m venv --clear "$dir" || { echo "validators-venv: $base -m venv $dir failed" >&2; exit 1; }
"$py" -m pip install -q --disable-pip-version-check "hl7==$version" "mcp==$mcp_version" >&2 \
  || { echo "validators-venv: pip could not install hl7==$version and mcp==$mcp_version into $dir" >&2; exit 1; }
"$py" -c 'import hl7, mcp' || { echo "validators-venv: $py cannot import hl7 and mcp" >&2; exit 1; }
echo "$py"
