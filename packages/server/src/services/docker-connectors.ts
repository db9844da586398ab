// Connectors that are Docker images (any dockerRepository other than airbyte/<name>, which is
// installed from PyPI): they run through the docker client (`docker run --rm -i`, see
// @platform/connectors' docker-run.ts) where an engine answers. Registration asks the engine
// first, bounded, so a missing daemon is a clear 422 at once instead of a hanging request.
import { execFile } from 'node:child_process';
import { fetchExternalSpec, type ExternalCommand } from '@platform/connectors';
import type { ConnectorSpecification } from '@platform/protocol';
import { InvalidInputError } from '../shared/errors';
import type { Logger } from '../shared/logger';

/** What a custom definition stores as its command when it runs an image (its args stay empty). */
export const DOCKER_COMMAND = 'docker';

/** How long `docker version` may take to say whether an engine answers. */
export const ENGINE_PROBE_TIMEOUT_MS = 5_000;
/** How long an image (pulled on first use) has to answer `spec`. */
const SPEC_TIMEOUT_MS = 300_000;

// Docker's reference grammar, simplified: [registry[:port]/]path[/path...] and a tag.
const IMAGE_REPOSITORY = /^(?:[a-zA-Z0-9.-]+(?::[0-9]+)?\/)?[a-z0-9]+(?:[._-][a-z0-9]+)*(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*$/;
const IMAGE_TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;

/** Whether the docker client reaches an engine within `timeoutMs`: undefined when it does, else why not. */
export function probeDockerEngine(env: NodeJS.ProcessEnv = process.env, timeoutMs = ENGINE_PROBE_TIMEOUT_MS): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile(DOCKER_COMMAND, ['version', '--format', '{{.Server.Version}}'], { env, timeout: timeoutMs, killSignal: 'SIGKILL' }, (error, _stdout, stderr) => {
      if (!error) return resolve(undefined);
      const { code, killed } = error as NodeJS.ErrnoException & { killed?: boolean };
      if (code === 'ENOENT') return resolve('the docker command is not installed');
      if (killed) return resolve(`no answer within ${timeoutMs / 1000} s`);
      // The client prints its version, then the daemon's error last.
      resolve(stderr.trim().split('\n').filter(Boolean).at(-1) ?? error.message);
    });
  });
}

/** The image's command, once an engine answers and the image answers `spec`; every failure a 422 naming the field. */
export async function dockerConnector(kind: 'source' | 'destination', repository: string, tag: string, field: string, log: Logger): Promise<{ command: string; args: string[]; spec: ConnectorSpecification }> {
  if (!IMAGE_REPOSITORY.test(repository)) {
    throw new InvalidInputError(`${field}.dockerRepository must be a Docker image repository (such as mycompany/${kind}-x) or airbyte/${kind}-<name> (installed from PyPI)`, [
      { path: `${field}.dockerRepository`, message: `expected an image repository, or airbyte/${kind}-<name>` },
    ]);
  }
  if (!IMAGE_TAG.test(tag)) {
    throw new InvalidInputError(`${field}.dockerImageTag must be an image tag such as 1.0.0`, [{ path: `${field}.dockerImageTag`, message: 'expected an image tag' }]);
  }
  const image = `${repository}:${tag}`;
  const unavailable = await probeDockerEngine();
  if (unavailable) {
    const message = `${image} is a Docker image (not airbyte/${kind}-<name>, which the platform installs from PyPI), and no Docker engine answers (${unavailable}): start Docker or point DOCKER_HOST at an engine, or register the connector's PyPI package as airbyte/${kind}-<name> with its PyPI version`;
    throw new InvalidInputError(message, [{ path: `${field}.dockerRepository`, message }]);
  }
  const command: ExternalCommand = { name: repository.replace(/^.*\//, ''), command: DOCKER_COMMAND, docker: { image }, heartbeatMs: SPEC_TIMEOUT_MS };
  try {
    const spec = await fetchExternalSpec(command, { log: (level, message) => log.info('connector spec', { image, level, message }), signal: AbortSignal.timeout(SPEC_TIMEOUT_MS) });
    return { command: DOCKER_COMMAND, args: [], spec };
  } catch (err) {
    const message = `${image} does not answer spec as an Airbyte connector: ${(err as Error).message}`;
    throw new InvalidInputError(message, [{ path: `${field}.dockerImageTag`, message }]);
  }
}
