// The platform's own processes (server, worker): TypeScript entries run by Node with the
// tsx loader, output appended to their log file. A process that dies after it was ready
// is restarted with a growing delay, so one crash does not take the platform down.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { closeSync, existsSync, fstatSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import { ReadinessTimeoutError, type WaitStrategy } from '@platform/services';

/** `node --import` this to run TypeScript entries. */
export const TSX_LOADER = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const READY_TIMEOUT_MS = 60_000;
// The worker lets a running attempt finish for up to 20 s on SIGTERM.
const STOP_GRACE_MS = 30_000;
const MAX_RESTART_DELAY_MS = 30_000;
/** A process that ran this long is considered healthy again: its restart delay resets. */
const STABLE_AFTER_MS = 60_000;

export interface NodeServiceOptions {
  name: string;
  /** Absolute path of the .ts entry. */
  entry: string;
  env: NodeJS.ProcessEnv;
  /** Node flags, e.g. the orchestrator's --max-old-space-size. */
  nodeFlags?: string[];
  logFile: string;
  /** How to tell the process is ready: a probe, or a line its log must show after launch. */
  ready: WaitStrategy | { logLine: RegExp };
  /** Told about restarts, so the supervisor can record the new pid. */
  onRestart?: (pid: number) => void;
  log: (line: string) => void;
}

export interface RunningNodeService {
  readonly pid: number;
  stop(): Promise<void>;
}

export async function startNodeService(options: NodeServiceOptions): Promise<RunningNodeService> {
  const args = ['--import', TSX_LOADER, ...(options.nodeFlags ?? []), options.entry];
  const ready = 'logLine' in options.ready ? logLineAppears(options.logFile, options.ready.logLine) : options.ready;
  let child = launch(options, args);
  let stopping = false;
  await waitUntilReady(child, ready, options);

  void (async () => {
    let delay = 1_000;
    while (!stopping) {
      const startedAt = Date.now();
      const [code, signal] = await exitOf(child);
      if (stopping) return;
      if (Date.now() - startedAt > STABLE_AFTER_MS) delay = 1_000;
      options.log(`${options.name} exited (${signal ?? `code ${code}`}); restarting in ${delay} ms`);
      await sleep(delay);
      if (stopping) return;
      child = launch(options, args);
      options.onRestart?.(child.pid!);
      delay = Math.min(delay * 2, MAX_RESTART_DELAY_MS);
    }
  })();

  return {
    get pid() {
      return child.pid!;
    },
    async stop() {
      stopping = true;
      await stopChild(child);
    },
  };
}

function launch(options: NodeServiceOptions, args: string[]): ChildProcess {
  const log = openSync(options.logFile, 'a');
  try {
    return spawn(process.execPath, args, { env: options.env, stdio: ['ignore', log, log] });
  } finally {
    closeSync(log); // the child holds its own copy of the descriptor
  }
}

async function waitUntilReady(child: ChildProcess, ready: WaitStrategy, options: NodeServiceOptions): Promise<void> {
  const died = new AbortController();
  const onExit = (code: number | null, signal: NodeJS.Signals | null) =>
    died.abort(new Error(`${options.name} ${signal ? `was killed by ${signal}` : `exited with code ${code}`} while starting; last log lines:\n${tail(options.logFile)}`));
  child.once('exit', onExit);
  try {
    await ready.waitUntilReady(READY_TIMEOUT_MS, died.signal);
  } catch (error) {
    await stopChild(child);
    throw died.signal.aborted ? died.signal.reason : error;
  } finally {
    child.off('exit', onExit);
  }
}

/** Ready once `pattern` shows in what the log file gets from now on. */
function logLineAppears(file: string, pattern: RegExp): WaitStrategy {
  const from = existsSync(file) ? statSync(file).size : 0;
  return {
    describe: () => `a log line matching ${pattern} in ${file}`,
    async waitUntilReady(timeoutMs, signal) {
      const deadline = Date.now() + timeoutMs;
      while (!pattern.test(readFrom(file, from))) {
        signal?.throwIfAborted();
        if (Date.now() > deadline) throw new ReadinessTimeoutError(this.describe(), timeoutMs);
        await sleep(100, undefined, { signal }).catch(() => signal?.throwIfAborted());
      }
    },
  };
}

function readFrom(file: string, offset: number): string {
  const fd = openSync(file, 'r');
  try {
    const buffer = Buffer.alloc(Math.max(0, fstatSync(fd).size - offset));
    readSync(fd, buffer, 0, buffer.length, offset);
    return buffer.toString('utf8');
  } finally {
    closeSync(fd);
  }
}

async function exitOf(child: ChildProcess): Promise<[number | null, NodeJS.Signals | null]> {
  if (child.exitCode !== null || child.signalCode !== null) return [child.exitCode, child.signalCode];
  return (await once(child, 'exit')) as [number | null, NodeJS.Signals | null];
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const gone = once(child, 'exit');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
  await gone;
  clearTimeout(timer);
}

/** The last lines of a log file, for error messages. */
export function tail(file: string, lines = 30): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}
