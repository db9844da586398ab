// The Docker engine through dockerode: whether one answers, pulling the pinned images, and the
// compose project's containers (state, health, restarts, memory against limit, logs).
import { PassThrough, type Writable } from 'node:stream';
import Docker from 'dockerode';

/** What `docker` itself would use: DOCKER_HOST, else the local socket. */
export function engineAddress(env: NodeJS.ProcessEnv = process.env): string {
  return env.DOCKER_HOST || 'the local socket (/var/run/docker.sock)';
}

export class EngineUnavailableError extends Error {
  override name = 'EngineUnavailableError';
  constructor(reason: string) {
    super(`no Docker engine answers at ${engineAddress()} (${reason}): start Docker (or point DOCKER_HOST at one), or use the embedded runtime: pnpm platform up --runtime embedded`);
  }
}

export class ImagePullError extends Error {
  override name = 'ImagePullError';
  constructor(readonly image: string, reason: string) {
    super(`the image ${image} cannot be pulled: ${reason.trim()} (is the registry reachable? \`docker pull ${image}\` shows the same)`);
  }
}

export interface EngineInfo {
  cpus: number;
  memoryBytes: number;
  serverVersion: string;
}

export function dockerClient(): Docker {
  return new Docker();
}

/** The engine's facts, or why it does not answer (within `timeoutMs`). */
export async function probeEngine(docker = dockerClient(), timeoutMs = 5_000): Promise<EngineInfo | { unavailable: string }> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs / 1000} s`)), timeoutMs);
  });
  try {
    const info = (await Promise.race([docker.info(), timeout])) as { NCPU: number; MemTotal: number; ServerVersion: string };
    return { cpus: info.NCPU, memoryBytes: info.MemTotal, serverVersion: info.ServerVersion };
  } catch (error) {
    const { code, message } = error as NodeJS.ErrnoException;
    return { unavailable: code ? `${code}: ${message}` : message };
  } finally {
    clearTimeout(timer);
  }
}

export async function requireEngine(docker = dockerClient()): Promise<EngineInfo> {
  const probe = await probeEngine(docker);
  if ('unavailable' in probe) throw new EngineUnavailableError(probe.unavailable);
  return probe;
}

/** Pulls each image the engine does not have yet; a failure names the image. Returns the ones pulled. */
export async function pullMissingImages(docker: Docker, images: string[], onPull: (image: string) => void): Promise<string[]> {
  const pulled: string[] = [];
  for (const image of images) {
    try {
      await docker.getImage(image).inspect();
      continue;
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode !== 404) throw error;
    }
    onPull(image);
    try {
      const stream = await docker.pull(image);
      // The pull's outcome is in its progress messages: an error arrives as one of them.
      await new Promise<void>((resolve, reject) =>
        docker.modem.followProgress(stream, (error: Error | null, events: { error?: string }[]) => {
          const failed = error?.message ?? events.find((e) => e.error)?.error;
          if (failed) reject(new Error(failed));
          else resolve();
        }),
      );
    } catch (error) {
      // dockerode words an HTTP error "(HTTP code 404) unexpected - <the engine's message>".
      throw new ImagePullError(image, (error as Error).message.replace(/^\(HTTP code \d+\) [^-]*- /, ''));
    }
    pulled.push(image);
  }
  return pulled;
}

export interface ProjectContainer {
  id: string;
  service: string;
  /** created, running, restarting, exited… */
  state: string;
  /** healthy, unhealthy, starting, or none (no healthcheck). */
  health: string;
  exitCode: number;
  restarts: number;
  /** Host ports published, e.g. "127.0.0.1:8001→8001". */
  ports: string[];
  image: string;
  /** The last healthcheck output, for an unhealthy one. */
  lastHealthOutput?: string;
}

/** The compose project's containers, one per service (compose labels them). */
export async function projectContainers(docker: Docker, project: string): Promise<ProjectContainer[]> {
  const listed = await docker.listContainers({ all: true, filters: { label: [`com.docker.compose.project=${project}`] } });
  return Promise.all(
    listed.map(async (summary) => {
      const inspected = await docker.getContainer(summary.Id).inspect();
      const health = inspected.State.Health;
      return {
        id: summary.Id,
        service: summary.Labels['com.docker.compose.service'] ?? summary.Names[0],
        state: inspected.State.Status,
        health: health?.Status ?? 'none',
        exitCode: inspected.State.ExitCode,
        restarts: inspected.RestartCount,
        ports: summary.Ports.filter((p) => p.PublicPort).map((p) => `${p.IP}:${p.PublicPort}→${p.PrivatePort}`),
        image: summary.Image,
        lastHealthOutput: health?.Log?.at(-1)?.Output?.trim() || undefined,
      };
    }),
  );
}

/** Memory in use against the container's limit (MiB), from one stats sample; undefined once it stopped. */
export async function containerMemory(docker: Docker, id: string): Promise<{ usedMiB: number; limitMiB: number } | undefined> {
  const stats = (await docker.getContainer(id).stats({ stream: false })) as { memory_stats?: { usage?: number; limit?: number; stats?: { inactive_file?: number } } };
  const memory = stats.memory_stats;
  if (!memory?.usage || !memory.limit) return undefined;
  // As `docker stats` counts it: the page cache the kernel can drop is not use.
  const used = memory.usage - (memory.stats?.inactive_file ?? 0);
  return { usedMiB: used / 2 ** 20, limitMiB: memory.limit / 2 ** 20 };
}

/** A container's log (stdout and stderr, its last `lines`), written to `out`; with `follow`, until the container stops. */
export async function writeContainerLog(docker: Docker, id: string, { lines, follow }: { lines: number; follow: boolean }, out: Writable, errors: Writable): Promise<void> {
  const container = docker.getContainer(id);
  const tty = (await container.inspect()).Config.Tty;
  if (!follow) {
    const buffer = (await container.logs({ stdout: true, stderr: true, tail: lines, follow: false })) as unknown as Buffer;
    if (tty) out.write(buffer);
    else demultiplex(buffer, out, errors);
    return;
  }
  const stream = await container.logs({ stdout: true, stderr: true, tail: lines, follow: true });
  await new Promise<void>((resolve, reject) => {
    if (tty) stream.pipe(out, { end: false });
    else {
      const stdout = new PassThrough();
      const stderr = new PassThrough();
      stdout.pipe(out, { end: false });
      stderr.pipe(errors, { end: false });
      docker.modem.demuxStream(stream, stdout, stderr);
    }
    stream.on('end', resolve);
    stream.on('error', reject);
  });
}

/** The last `lines` of a container's log as text (for error messages). */
export async function containerLogTail(docker: Docker, id: string, lines = 20): Promise<string> {
  const chunks: Buffer[] = [];
  const sink = new PassThrough();
  sink.on('data', (chunk: Buffer) => chunks.push(chunk));
  await writeContainerLog(docker, id, { lines, follow: false }, sink, sink);
  return Buffer.concat(chunks).toString('utf8').trimEnd();
}

/** Docker's multiplexed log format: frames of an 8-byte header (stream, 0, 0, 0, length) and the payload. */
export function demultiplex(buffer: Buffer, out: Writable, errors: Writable): void {
  let offset = 0;
  while (offset + 8 <= buffer.length) {
    const stream = buffer[offset];
    const length = buffer.readUInt32BE(offset + 4);
    const payload = buffer.subarray(offset + 8, offset + 8 + length);
    (stream === 2 ? errors : out).write(payload);
    offset += 8 + length;
  }
}
