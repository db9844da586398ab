#!/usr/bin/env bash
# Installs Airbyte's low-code CDK (`airbyte-cdk`, PyPI) into the platform's Python environment,
# the virtualenv .tools/airbyte-cdk: its console script `source-declarative-manifest` runs the
# built-in "REST API (declarative)" source and every manifest registered through
# declarative_source_definitions/create_manifest (packages/connectors/src/declarative).
# Idempotent: a venv holding the pinned version is left as it is.
set -euo pipefail
cd "$(dirname "$0")/.."

VENV=.tools/airbyte-cdk
VERSION=7.39.1   # keep in step with DECLARATIVE_CDK_VERSION in packages/connectors/src/declarative/runtime.ts

installed="$("$VENV/bin/python" -c "import importlib.metadata as m; print(m.version('airbyte-cdk'))" 2>/dev/null || true)"
if [ "$installed" != "$VERSION" ] || [ ! -x "$VENV/bin/source-declarative-manifest" ]; then
  export PIP_ROOT_USER_ACTION=ignore PIP_DISABLE_PIP_VERSION_CHECK=1
  # As install-schemathesis.sh: a Python without ensurepip still makes a bare venv.
  if python3 -m venv --clear "$VENV" 2>/dev/null && [ -x "$VENV/bin/pip" ]; then
    "$VENV/bin/python" -m pip install --quiet "airbyte-cdk==$VERSION"
  else
    python3 -m venv --clear --without-pip "$VENV"
    python3 -m pip --python "$VENV/bin/python" install --quiet "airbyte-cdk==$VERSION"
  fi
fi
"$VENV/bin/python" -c "import importlib.metadata as m; print('airbyte-cdk', m.version('airbyte-cdk'))"
