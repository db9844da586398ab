#!/usr/bin/env bash
# Installs schemathesis (PyPI) into its own virtualenv, .tools/schemathesis, for the API
# fuzz test (packages/server/src/api/schemathesis.test.ts). Idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."

# The one version the fuzz test is tuned for (phases, options, run time).
version="4.32.5"
venv=".tools/schemathesis"

installed="$("$venv/bin/schemathesis" --version 2>/dev/null | sed -n 's/^schemathesis, version //p' || true)"
if [ "$installed" != "$version" ]; then
  export PIP_ROOT_USER_ACTION=ignore PIP_DISABLE_PIP_VERSION_CHECK=1
  # A Python without ensurepip (Debian's python3 without python3-venv) still makes a bare
  # venv; the system's pip then installs into it.
  if python3 -m venv --clear "$venv" 2>/dev/null && [ -x "$venv/bin/pip" ]; then
    "$venv/bin/python" -m pip install --quiet "schemathesis==$version"
  else
    python3 -m venv --clear --without-pip "$venv"
    python3 -m pip --python "$venv/bin/python" install --quiet "schemathesis==$version"
  fi
fi
"$venv/bin/schemathesis" --version
