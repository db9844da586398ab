// Where the low-code CDK runs from: airbyte-cdk's console script `source-declarative-manifest`,
// installed by scripts/bootstrap.sh (scripts/install-declarative-cdk.sh) into the platform's
// Python environment, the virtualenv .tools/airbyte-cdk at the repository's root.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { systemError } from '../framework/errors';
import type { ExternalCommand } from '../external/external-process';

/** The airbyte-cdk release the bootstrap installs (keep in step with scripts/install-declarative-cdk.sh). */
export const DECLARATIVE_CDK_VERSION = '7.39.1';

/**
 * The repository's root: the nearest folder above this module that holds pnpm-workspace.yaml. Searched,
 * not a fixed `../..`, because this module also runs bundled into packages/server/dist (the replication child).
 */
function repositoryRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'pnpm-workspace.yaml'))) return dir;
    if (dirname(dir) === dir) return from;
  }
}

const SCRIPT = join(repositoryRoot(dirname(fileURLToPath(import.meta.url))), '.tools/airbyte-cdk/bin/source-declarative-manifest');

/** The installed script, or null when the bootstrap did not install it. */
export function declarativeScriptPath(): string | null {
  return existsSync(SCRIPT) ? SCRIPT : null;
}

/** How to start the CDK's runner; a clear system error when it is not installed. */
export function declarativeCommand(): ExternalCommand {
  const command = declarativeScriptPath();
  if (!command) {
    throw systemError(`airbyte-cdk ${DECLARATIVE_CDK_VERSION} is not installed (${SCRIPT} is missing): run scripts/bootstrap.sh to run declarative (low-code) sources`);
  }
  return { name: 'source-declarative-manifest', command };
}
