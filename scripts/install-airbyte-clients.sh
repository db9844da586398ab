#!/usr/bin/env bash
# Installs the Airbyte API clients the public API's test drives (packages/server/src/api/public/
# python-clients.test.ts), each from PyPI into its own virtualenv under .tools/:
#   .tools/airbyte-api   Airbyte's Python SDK (`airbyte-api`)
#   .tools/pyairbyte     PyAirbyte (`airbyte`), for airbyte.cloud.CloudWorkspace
# Idempotent: a venv holding the pinned version is left as it is.
set -euo pipefail
cd "$(dirname "$0")/.."

source scripts/lib/pinned-venv.sh
# The versions the test was written against (their models and method names).
install_pinned_venv .tools/airbyte-api airbyte-api 1.0.1
install_pinned_venv .tools/pyairbyte airbyte 0.71.3
