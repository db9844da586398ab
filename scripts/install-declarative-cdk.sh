#!/usr/bin/env bash
# Installs Airbyte's low-code CDK (`airbyte-cdk`, PyPI) into the platform's Python environment,
# the virtualenv .tools/airbyte-cdk: its console script `source-declarative-manifest` runs the
# built-in "REST API (declarative)" source and every manifest registered through
# declarative_source_definitions/create_manifest (packages/connectors/src/declarative).
# Idempotent: a venv holding the pinned version is left as it is.
set -euo pipefail
cd "$(dirname "$0")/.."

source scripts/lib/pinned-venv.sh
# Keep in step with DECLARATIVE_CDK_VERSION in packages/connectors/src/declarative/runtime.ts.
install_pinned_venv .tools/airbyte-cdk airbyte-cdk 7.39.1 source-declarative-manifest
