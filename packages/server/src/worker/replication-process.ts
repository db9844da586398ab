// Starts the replication child (./replication-main.ts under tsx's loader, no intermediate
// tsx process, so signals and the stdin pipe reach it directly) and stops it.
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { TSX_LOADER } from '@platform/services/tsx-loader';
import { childEnvironment } from './child-env';
import type { ReplicationInput } from './child-protocol';
import type { ChildLimits } from './resources';

const REPLICATION_MAIN = fileURLToPath(new URL('./replication-main.ts', import.meta.url));

export interface ReplicationProcess {
  stdout: Readable;
  stderr: Readable;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGTERM, then SIGKILL if it has not exited after `graceMs` (at once when 0). */
  terminate(graceMs: number): Promise<void>;
}

/** `tmpDir` becomes the child's TMPDIR: every spill file of its connectors lands there. */
export function startReplication(input: ReplicationInput, limits: ChildLimits, tmpDir: string): ReplicationProcess {
  const child: ChildProcessByStdio<Writable, Readable, Readable> = spawn(
    process.execPath,
    [...limits.execArgv, '--import', TSX_LOADER, REPLICATION_MAIN],
    // Its own process group: the external connectors it starts are in it, so stopping the group
    // stops them too, even when the child is killed before it could stop them itself.
    { env: childEnvironment(process.env, { ...limits.env, TMPDIR: tmpDir }), stdio: ['pipe', 'pipe', 'pipe'], detached: true },
  );
  const signalGroup = (signal: NodeJS.Signals) => {
    try {
      if (child.pid) process.kill(-child.pid, signal);
    } catch {
      // ESRCH: the group is gone already
    }
  };
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
    // A failed spawn emits 'error' and no 'exit'.
    child.once('error', () => resolve({ code: null, signal: null }));
  });
  // The input goes over stdin (not argv or env, which `ps` shows) and stdin then stays open:
  // when this process dies, the pipe closes and the child exits.
  child.stdin.on('error', () => undefined);
  child.stdin.write(JSON.stringify(input) + '\n');

  return {
    stdout: child.stdout,
    stderr: child.stderr,
    exited,
    async terminate(graceMs) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      signalGroup(graceMs > 0 ? 'SIGTERM' : 'SIGKILL');
      const timer = setTimeout(() => signalGroup('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
      // Whatever of the group outlived the child (a connector it had no time to stop) goes now.
      signalGroup('SIGKILL');
    },
  };
}
