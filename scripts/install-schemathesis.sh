#!/usr/bin/env bash
# Installs schemathesis (PyPI) into its own virtualenv, .tools/schemathesis, for the API
# fuzz test (packages/server/src/api/schemathesis.test.ts). Idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."

source scripts/lib/pinned-venv.sh
# The one version the fuzz test is tuned for (phases, options, run time).
install_pinned_venv .tools/schemathesis schemathesis 4.32.5 schemathesis
