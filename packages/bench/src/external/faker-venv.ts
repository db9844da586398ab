// airbyte-source-faker for the benchmark: the platform's own install when PLATFORM_CONNECTORS_DIR
// holds one (as the server leaves it: <dir>/airbyte-source-faker-<version>, marked installed),
// else a virtualenv built with pip under the run's temp dir.
import { execFile } from 'node:child_process';
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

export const FAKER_VERSION = '7.2.1';
const run = promisify(execFile);
const exists = (path: string) => access(path).then(() => true, () => false);

/** The console script `source-faker`. */
export async function fakerCommand(workDir: string, log: (message: string) => void): Promise<string> {
  const installed = process.env.PLATFORM_CONNECTORS_DIR && join(process.env.PLATFORM_CONNECTORS_DIR, `airbyte-source-faker-${FAKER_VERSION}`);
  if (installed && (await exists(join(installed, '.airlock-installed')))) return join(installed, 'bin', 'source-faker');
  const venv = join(workDir, 'faker-venv');
  log(`installing airbyte-source-faker==${FAKER_VERSION} into ${venv} (set PLATFORM_CONNECTORS_DIR to reuse the platform's)`);
  await run('python3', ['-m', 'venv', venv]);
  await run(join(venv, 'bin', 'pip'), ['install', '--quiet', '--disable-pip-version-check', `airbyte-source-faker==${FAKER_VERSION}`], { maxBuffer: 16 * 2 ** 20 });
  return join(venv, 'bin', 'source-faker');
}
