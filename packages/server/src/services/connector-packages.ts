// Where Airbyte pulls a connector image, the platform installs the connector's Python package
// (PyAirbyte's convention: image `airbyte/<name>:<version>` is PyPI `airbyte-<name>==<version>`,
// console script `<name>`), each in its own virtualenv under the connectors directory, since
// connectors pin conflicting CDK versions. An install counts only once the script answers `spec`.
import { execFile, spawn } from 'node:child_process';
import { access, mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import readline from 'node:readline';
import { promisify } from 'node:util';
import { fetchExternalSpec, type ExternalCommand } from '@platform/connectors';
import type { ConnectorSpecification } from '@platform/protocol';
import { InvalidInputError } from '../shared/errors';
import type { Logger } from '../shared/logger';

export interface PypiConnector {
  /** The connector's name and console script, e.g. "source-faker". */
  name: string;
  requirement: string;
  version: string;
  /** The request's field that named it, for errors ("sourceDefinition"). */
  field: string;
}

export interface InstalledConnector {
  command: string;
  args: string[];
  spec: ConnectorSpecification;
}

const REPOSITORY = /^airbyte\/((?:source|destination)-[a-z0-9]+(?:-[a-z0-9]+)*)$/;
const VERSION = /^[0-9]+(?:\.[0-9]+)*(?:(?:a|b|rc|\.post|\.dev)[0-9]+)?$/;
/** How long a freshly installed program has to answer `spec`. */
const SPEC_TIMEOUT_MS = 120_000;

/** Whether the repository names an Airbyte connector the platform installs from PyPI (else it is a Docker image). */
export function isPypiRepository(dockerRepository: string): boolean {
  return REPOSITORY.test(dockerRepository);
}

/** `airbyte/source-faker` + `7.2.1` → `airbyte-source-faker==7.2.1`; `field` prefixes the fields named in errors. */
export function pypiConnector(dockerRepository: string, dockerImageTag: string, field: string): PypiConnector {
  const name = REPOSITORY.exec(dockerRepository)?.[1];
  if (!name) {
    throw new InvalidInputError(`${field}.dockerRepository must be airbyte/source-<name> or airbyte/destination-<name> (installed from PyPI as airbyte-<name>)`, [
      { path: `${field}.dockerRepository`, message: 'expected airbyte/source-<name> or airbyte/destination-<name>' },
    ]);
  }
  if (!VERSION.test(dockerImageTag)) {
    throw new InvalidInputError(`${field}.dockerImageTag must be a released version such as 7.2.1 (the PyPI version of airbyte-${name})`, [
      { path: `${field}.dockerImageTag`, message: 'expected a version such as 7.2.1' },
    ]);
  }
  return { name, version: dockerImageTag, requirement: `airbyte-${name}==${dockerImageTag}`, field };
}

const run = promisify(execFile);
const exists = (path: string) => access(path).then(() => true, () => false);

export class ConnectorInstaller {
  private readonly installing = new Map<string, Promise<void>>();

  constructor(
    private readonly dir: string,
    private readonly log: Logger,
    private readonly python = 'python3',
  ) {}

  /** Installs (or reuses) the package's virtualenv and proves the script answers `spec`. */
  async install(pkg: PypiConnector): Promise<InstalledConnector> {
    const venv = join(this.dir, `airbyte-${pkg.name}-${pkg.version}`);
    const command = join(venv, 'bin', pkg.name);
    // Two registrations of one package at once share its install instead of racing on the directory.
    const mine = (this.installing.get(venv) ?? Promise.resolve()).catch(() => undefined).then(() => this.ensureInstalled(venv, command, pkg));
    this.installing.set(venv, mine);
    try {
      await mine;
    } finally {
      if (this.installing.get(venv) === mine) this.installing.delete(venv);
    }
    const external: ExternalCommand = { name: pkg.name, command, heartbeatMs: SPEC_TIMEOUT_MS };
    try {
      const spec = await fetchExternalSpec(external, { log: (level, message) => this.log.info('connector spec', { connector: pkg.name, level, message }), signal: AbortSignal.timeout(SPEC_TIMEOUT_MS) });
      return { command, args: [], spec };
    } catch (err) {
      throw installError(pkg, `${pkg.name} (${pkg.requirement}) does not answer spec as an Airbyte connector: ${(err as Error).message}`);
    }
  }

  private async ensureInstalled(venv: string, command: string, pkg: PypiConnector): Promise<void> {
    const marker = join(venv, '.airlock-installed');
    if (await exists(marker)) return;
    await rm(venv, { recursive: true, force: true });
    await mkdir(this.dir, { recursive: true });
    const pip = await this.createVenv(venv, pkg);
    await this.pip(pip, venv, pkg);
    if (!(await exists(command))) {
      await rm(venv, { recursive: true, force: true });
      throw installError(pkg, `${pkg.requirement} installed, but it has no console script ${pkg.name}: it is not an Airbyte connector package`);
    }
    await writeFile(marker, `${pkg.requirement}\n`);
  }

  /**
   * The virtualenv, and the pip command that installs into it. A Python without ensurepip
   * (Debian's python3 without python3-venv) still makes a bare venv; the system's pip then
   * installs into it, as scripts/install-schemathesis.sh does.
   */
  private async createVenv(venv: string, pkg: PypiConnector): Promise<string[]> {
    try {
      await run(this.python, ['-m', 'venv', venv]);
      if (await exists(join(venv, 'bin', 'pip'))) return [join(venv, 'bin', 'pip')];
    } catch {
      // retried below without pip
    }
    try {
      await run(this.python, ['-m', 'venv', '--clear', '--without-pip', venv]);
      return [this.python, '-m', 'pip', '--python', join(venv, 'bin', 'python')];
    } catch (err) {
      throw installError(pkg, `Could not create a virtualenv for ${pkg.requirement} (${this.python} -m venv): ${lastLines((err as { stderr?: string }).stderr ?? (err as Error).message)}; install python3-venv`);
    }
  }

  /** pip install, its progress in the log; a failure is pip's own message. */
  private async pip(pip: string[], venv: string, pkg: PypiConnector): Promise<void> {
    this.log.info('installing connector', { requirement: pkg.requirement, venv });
    const child = spawn(pip[0], [...pip.slice(1), 'install', '--disable-pip-version-check', '--no-input', '--progress-bar', 'off', pkg.requirement], { stdio: ['ignore', 'pipe', 'pipe'] });
    const errors: string[] = [];
    readline.createInterface({ input: child.stdout }).on('line', (line) => this.log.info('pip', { requirement: pkg.requirement, line }));
    readline.createInterface({ input: child.stderr }).on('line', (line) => {
      errors.push(line);
      this.log.warn('pip', { requirement: pkg.requirement, line });
    });
    const code = await new Promise<number | null>((resolve) => {
      child.once('error', (e) => {
        errors.push(e.message);
        resolve(null);
      });
      child.once('close', resolve);
    });
    if (code === 0) return;
    await rm(venv, { recursive: true, force: true });
    const text = errors.join('\n');
    if (/No matching distribution found|Could not find a version that satisfies/.test(text)) {
      throw installError(pkg, `PyPI has no package ${pkg.requirement} (pip: ${lastLines(text)})`);
    }
    throw installError(pkg, `pip could not install ${pkg.requirement}: ${lastLines(text)}`);
  }
}

/** An install failure is the request's fault (a package that does not exist or does not work): a 422 naming its field. */
function installError(pkg: PypiConnector, message: string): InvalidInputError {
  return new InvalidInputError(message, [{ path: `${pkg.field}.dockerImageTag`, message }]);
}

function lastLines(text: string, n = 3): string {
  return text.trim().split('\n').filter((l) => l.trim()).slice(-n).join(' | ');
}
