// Test support for custom definitions without PyPI: a virtualenv directory the installer takes
// as installed (marked), whose console script runs `body`; by default the protocol fixture
// connector of @platform/connectors/testing.
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PROTOCOL_FIXTURE_SCRIPT } from '@platform/connectors/testing';

export const RUN_PROTOCOL_FIXTURE = `exec "${process.execPath}" "${PROTOCOL_FIXTURE_SCRIPT}" "$@"`;

/** Prepares `<connectorsDir>/airbyte-<name>-<version>` as ConnectorInstaller leaves an install. */
export async function preinstallConnector(connectorsDir: string, name: string, version: string, body = RUN_PROTOCOL_FIXTURE): Promise<void> {
  const venv = join(connectorsDir, `airbyte-${name}-${version}`);
  await mkdir(join(venv, 'bin'), { recursive: true });
  await writeFile(join(venv, 'bin', name), `#!/bin/sh\n${body}\n`);
  await chmod(join(venv, 'bin', name), 0o755);
  await writeFile(join(venv, '.airlock-installed'), `airbyte-${name}==${version}\n`);
}
