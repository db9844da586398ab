#!/usr/bin/env bash
# Installs schemathesis (PyPI) into its own virtualenv, .tools/schemathesis, for the API
# fuzz test (packages/server/src/api/schemathesis.test.ts). Idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."

# The one version the fuzz test is tuned for (phases, options, run time).
version="4.32.5"
venv=".tools/schemathesis"

installed="$("$venv/bin/python" -m pip show schemathesis 2>/dev/null | sed -n 's/^Version: //p' || true)"
if [ "$installed" != "$version" ]; then
  python3 -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "schemathesis==$version"
fi
"$venv/bin/schemathesis" --version
