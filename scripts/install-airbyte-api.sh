#!/usr/bin/env bash
# Installs Airbyte's public-API Python SDK (`airbyte-api`, PyPI) into its own virtualenv,
# .tools/airbyte-api, for the test that drives /api/public/v1 with a client written elsewhere
# (packages/server/src/api/public/airbyte-api-sdk.test.ts). Idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."

# The version the test was written against (its models and method names).
version="1.0.1"
venv=".tools/airbyte-api"

installed="$("$venv/bin/python" -c 'import importlib.metadata as m; print(m.version("airbyte-api"))' 2>/dev/null || true)"
if [ "$installed" != "$version" ]; then
  export PIP_ROOT_USER_ACTION=ignore PIP_DISABLE_PIP_VERSION_CHECK=1
  # As install-schemathesis.sh: a Python without ensurepip still makes a bare venv.
  if python3 -m venv --clear "$venv" 2>/dev/null && [ -x "$venv/bin/pip" ]; then
    "$venv/bin/python" -m pip install --quiet "airbyte-api==$version"
  else
    python3 -m venv --clear --without-pip "$venv"
    python3 -m pip --python "$venv/bin/python" install --quiet "airbyte-api==$version"
  fi
fi
"$venv/bin/python" -c 'import importlib.metadata as m; print("airbyte-api", m.version("airbyte-api"))'
