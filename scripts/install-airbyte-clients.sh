#!/usr/bin/env bash
# Installs the Airbyte API clients the public API's test drives (packages/server/src/api/public/
# python-clients.test.ts), each from PyPI into its own virtualenv under .tools/:
#   .tools/airbyte-api   Airbyte's Python SDK (`airbyte-api`)
#   .tools/pyairbyte     PyAirbyte (`airbyte`), for airbyte.cloud.CloudWorkspace
# Idempotent: a venv holding the pinned version is left as it is.
set -euo pipefail
cd "$(dirname "$0")/.."

# The versions the test was written against (their models and method names).
install() {
  local venv="$1" package="$2" version="$3"
  local installed
  installed="$("$venv/bin/python" -c "import importlib.metadata as m; print(m.version('$package'))" 2>/dev/null || true)"
  if [ "$installed" != "$version" ]; then
    export PIP_ROOT_USER_ACTION=ignore PIP_DISABLE_PIP_VERSION_CHECK=1
    # As install-schemathesis.sh: a Python without ensurepip still makes a bare venv.
    if python3 -m venv --clear "$venv" 2>/dev/null && [ -x "$venv/bin/pip" ]; then
      "$venv/bin/python" -m pip install --quiet "$package==$version"
    else
      python3 -m venv --clear --without-pip "$venv"
      python3 -m pip --python "$venv/bin/python" install --quiet "$package==$version"
    fi
  fi
  "$venv/bin/python" -c "import importlib.metadata as m; print('$package', m.version('$package'))"
}

install .tools/airbyte-api airbyte-api 1.0.1
install .tools/pyairbyte airbyte 0.71.3
