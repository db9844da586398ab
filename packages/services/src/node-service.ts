// The platform's own processes (server, worker, query service, web UI, replication child) are
// TypeScript entries run as `node --import <TSX_LOADER> entry.ts`: Node itself is the process,
// with no tsx wrapper in between, so signals and pipes reach it directly. One way to spawn
// them, wait until ready and stop them with a grace.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, fstatSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import type { Readable, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { endOf, exitOf, stopProcess, type ProcessEnd } from './process.js';
import { TSX_LOADER } from './tsx-loader.js';
import { waitForStart, type WaitStrategy, type WaitTarget } from './wait.js';

export interface NodeEntryOptions {
  /** Names the process in errors. */
  name: string;
  /** Absolute path (or file: URL) of the .ts entry, e.g. from import.meta.resolve('@platform/server/main-worker'). */
  entry: string;
  /** The entry is plain JavaScript (a precompiled build): Node runs it without the tsx loader. */
  precompiled?: boolean;
  /** The whole environment of the process. */
  env: NodeJS.ProcessEnv;
  /** Node flags, e.g. a heap limit (--max-old-space-size). */
  nodeFlags?: string[];
  /**
   * Where its output goes: appended to a log file (the process keeps writing there after its
   * starter is gone), or pipes: stdin to write to, stdout and stderr to read.
   */
  output: { logFile: string } | 'pipe';
  /** Between SIGTERM and SIGKILL when stopped. */
  stopGraceMs: number;
  /**
   * Its own process group, stopped as a whole: what it starts (a connector program) goes with
   * it, also when it is killed before it could stop them itself.
   */
  processGroup?: boolean;
}

export interface NodeEntryProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  /** Resolves with how it ended; a spawn that failed ends with neither code nor signal. */
  readonly ended: Promise<ProcessEnd>;
  /** Resolves with a description of how it ended ("killed by SIGKILL"). */
  readonly exited: Promise<string>;
  /** What it has logged since it started (log file output only). */
  readonly logs: WaitTarget;
  /** SIGTERM, then SIGKILL after `graceMs` (default: the options' stopGraceMs; 0: SIGKILL at once). */
  stop(graceMs?: number): Promise<void>;
}

/** With output 'pipe': the child's stdio, for the caller to talk to it. */
export interface PipedNodeEntryProcess extends NodeEntryProcess {
  readonly stdin: Writable;
  readonly stdout: Readable;
  readonly stderr: Readable;
}

/** Starts the entry without waiting for it. */
export function spawnNodeEntry(options: NodeEntryOptions & { output: 'pipe' }): PipedNodeEntryProcess;
export function spawnNodeEntry(options: NodeEntryOptions): NodeEntryProcess;
export function spawnNodeEntry(options: NodeEntryOptions): NodeEntryProcess {
  const entry = options.entry.startsWith('file:') ? fileURLToPath(options.entry) : options.entry;
  const args = [...(options.nodeFlags ?? []), ...(options.precompiled ? [] : ['--import', TSX_LOADER]), entry];
  const logFile = options.output === 'pipe' ? undefined : options.output.logFile;
  const logFrom = logFile && existsSync(logFile) ? statSync(logFile).size : 0;
  const detached = options.processGroup ?? false;
  const child = logFile ? spawnToLogFile(args, options.env, logFile, detached) : spawn(process.execPath, args, { env: options.env, stdio: ['pipe', 'pipe', 'pipe'], detached });
  // A failed spawn emits 'error': it is reported through `ended`, not thrown at the caller's event loop.
  child.on('error', () => undefined);
  const ended = endOf(child);
  const exited = exitOf(child);
  return {
    child,
    pid: child.pid ?? 0,
    ended,
    exited,
    logs: { logSince: () => (logFile ? readFrom(logFile, logFrom) : '') },
    stop: (graceMs = options.stopGraceMs) => (detached ? stopProcessGroup(child, ended, graceMs) : stopProcess(child, graceMs)),
    ...(logFile ? {} : { stdin: child.stdin!, stdout: child.stdout!, stderr: child.stderr! }),
  };
}

/**
 * Starts the entry and resolves once `ready` says so; a process that dies first fails the
 * start with how it ended and its last log lines, one not ready in time is stopped.
 */
export async function startNodeService(options: NodeEntryOptions & { ready: WaitStrategy; readyTimeoutMs: number }): Promise<NodeEntryProcess> {
  const started = spawnNodeEntry(options);
  const logFile = options.output === 'pipe' ? undefined : options.output.logFile;
  const died = (how: string) => new Error(`${options.name} ${how} while starting${logFile ? `; last log lines:\n${tail(logFile)}` : ''}`);
  await waitForStart(started, options.ready, options.readyTimeoutMs, died);
  return started;
}

/** SIGTERM to the group (SIGKILL at once when `graceMs` is 0, or after it), then SIGKILL to whatever of the group outlived its leader. */
async function stopProcessGroup(child: ChildProcess, ended: Promise<ProcessEnd>, graceMs: number): Promise<void> {
  const signalGroup = (signal: NodeJS.Signals) => {
    try {
      if (child.pid) process.kill(-child.pid, signal);
    } catch {
      // ESRCH: the group is gone already
    }
  };
  if (child.exitCode === null && child.signalCode === null) {
    signalGroup(graceMs > 0 ? 'SIGTERM' : 'SIGKILL');
    const timer = setTimeout(() => signalGroup('SIGKILL'), graceMs);
    await ended;
    clearTimeout(timer);
  }
  signalGroup('SIGKILL');
}

function spawnToLogFile(args: string[], env: NodeJS.ProcessEnv, logFile: string, detached: boolean): ChildProcess {
  const log = openSync(logFile, 'a');
  try {
    return spawn(process.execPath, args, { env, stdio: ['ignore', log, log], detached });
  } finally {
    closeSync(log); // the child holds its own copy of the descriptor
  }
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
