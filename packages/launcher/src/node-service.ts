// The platform's own processes (server, worker): TypeScript entries run by Node with the
// tsx loader, output appended to their log file. Restarting one that dies is the
// supervisor's job (supervision.ts), as for every other service.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, fstatSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { describeExit, exitOf, ReadinessTimeoutError, stopProcess, type WaitStrategy } from '@platform/services';
import { TSX_LOADER } from '@platform/services/tsx-loader';
import type { ServiceInstance } from './supervision';

const READY_TIMEOUT_MS = 60_000;
// The worker lets a running attempt finish for up to 20 s on SIGTERM.
const STOP_GRACE_MS = 30_000;

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
}

/** Starts the entry and resolves once it is ready; a process that dies first fails the start with its last log lines. */
export async function startNodeService(options: NodeServiceOptions): Promise<ServiceInstance> {
  const args = ['--import', TSX_LOADER, ...(options.nodeFlags ?? []), options.entry];
  const ready = 'logLine' in options.ready ? logLineAppears(options.logFile, options.ready.logLine) : options.ready;
  const child = launch(options, args);
  const exited = exitOf(child);
  await waitUntilReady(child, ready, options);
  return { pid: child.pid!, exited, stop: () => stopProcess(child, STOP_GRACE_MS) };
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
    died.abort(new Error(`${options.name} ${describeExit(code, signal)} while starting; last log lines:\n${tail(options.logFile)}`));
  child.once('exit', onExit);
  try {
    await ready.waitUntilReady(READY_TIMEOUT_MS, died.signal);
  } catch (error) {
    await stopProcess(child, STOP_GRACE_MS);
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

/** The last lines of a log file, for error messages. */
export function tail(file: string, lines = 30): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}
