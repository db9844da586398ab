// Starts the replication child (./replication-main.ts, a Node entry of @platform/services:
// no intermediate tsx process, so signals and the stdin pipe reach it directly) and stops it.
// It runs from the precompiled bundle when that is fresh (./replication-bundle.ts).
import type { Readable } from 'node:stream';
import { spawnNodeEntry, type ProcessEnd } from '@platform/services/lifecycle';
import { childEnvironment } from './child-env';
import type { ReplicationInput } from './child-protocol';
import { replicationEntry, type ReplicationEntry } from './replication-bundle';

export interface ReplicationProcess {
  stdout: Readable;
  stderr: Readable;
  exited: Promise<ProcessEnd>;
  /** What it runs: the bundle, or the TypeScript entry and why. */
  entry: ReplicationEntry;
  /** SIGTERM, then SIGKILL if it has not exited after `graceMs` (at once when 0). */
  terminate(graceMs: number): Promise<void>;
}

/** `execArgv` sizes the child's heap; `tmpDir` becomes its TMPDIR: every spill file of its connectors lands there. */
export function startReplication(input: ReplicationInput, execArgv: string[], tmpDir: string): ReplicationProcess {
  const entry = replicationEntry();
  const child = spawnNodeEntry({
    name: 'replication child',
    entry: entry.path,
    precompiled: entry.precompiled,
    env: childEnvironment(process.env, { TMPDIR: tmpDir }),
    nodeFlags: execArgv,
    output: 'pipe',
    stopGraceMs: 0,
    // The external connectors it starts are in its group: stopping the group stops them too.
    processGroup: true,
  });
  // The input goes over stdin (not argv or env, which `ps` shows) and stdin then stays open:
  // when this process dies, the pipe closes and the child exits.
  child.stdin.on('error', () => undefined);
  child.stdin.write(JSON.stringify(input) + '\n');
  return { stdout: child.stdout, stderr: child.stderr, exited: child.ended, entry, terminate: (graceMs) => child.stop(graceMs) };
}
