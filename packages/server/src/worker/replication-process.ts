// Starts the replication child (./replication-main.ts, a Node entry of @platform/services:
// no intermediate tsx process, so signals and the stdin pipe reach it directly) and stops it.
// It runs from the precompiled bundle when that is fresh (./replication-bundle.ts). A child
// is spawned first and given its attempt's input after, so the worker can spawn one ahead of
// time (./warm-replication.ts).
import { statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import type { Readable } from 'node:stream';
import { spawnNodeEntry, type ProcessEnd } from '@platform/services/lifecycle';
import { childEnvironment } from './child-env';
import { PRELOAD_VARIABLE, type ReplicationInput } from './child-protocol';
import { replicationEntry, type ReplicationEntry } from './replication-bundle';

export interface ReplicationProcess {
  readonly pid: number;
  stdout: Readable;
  stderr: Readable;
  exited: Promise<ProcessEnd>;
  /** What it runs: the bundle, or the TypeScript entry and why. */
  entry: ReplicationEntry;
  /** SIGTERM, then SIGKILL if it has not exited after `graceMs` (at once when 0). */
  terminate(graceMs: number): Promise<void>;
}

/** A spawned child waiting for its input. */
export interface IdleReplication extends ReplicationProcess {
  /** What it was spawned as: a child is only given an attempt whose spec has the same key. */
  readonly key: string;
  /** False once it has exited. */
  alive(): boolean;
  /** Sends the attempt's input; the child runs it with `input.tmpDir` as its TMPDIR. */
  start(input: ReplicationInput): ReplicationProcess;
}

/** How a child is spawned: its entry, Node flags (heap limit) and environment. */
export interface ReplicationSpec {
  entry: ReplicationEntry;
  execArgv: string[];
  env: Record<string, string>;
  /** Equal keys: the same program, flags and environment (TMPDIR aside, which the input sets). */
  key: string;
}

/** The spec of a child with these Node flags, as of now (the bundle's freshness and build time included). */
export function replicationSpec(execArgv: string[]): ReplicationSpec {
  const entry = replicationEntry();
  const env = childEnvironment(process.env, {});
  const builtAt = statSync(entry.path, { throwIfNoEntry: false })?.mtimeMs ?? 0;
  return { entry, execArgv, env, key: JSON.stringify([entry.path, builtAt, execArgv, env]) };
}

/**
 * Spawns a child of `spec`. `tmpDir` is its TMPDIR from the start (an attempt's directory); a
 * child spawned ahead of time, without one, starts in the worker's own TMPDIR (where nothing of
 * an attempt is written: the connectors only run once the input has moved it).
 */
export function spawnReplication(spec: ReplicationSpec, tmpDir?: string): IdleReplication {
  const child = spawnNodeEntry({
    name: 'replication child',
    entry: spec.entry.path,
    precompiled: spec.entry.precompiled,
    env: { ...spec.env, TMPDIR: tmpDir ?? tmpdir(), ...(tmpDir ? {} : { [PRELOAD_VARIABLE]: '1' }) },
    nodeFlags: spec.execArgv,
    output: 'pipe',
    stopGraceMs: 0,
    // The external connectors it starts are in its group: stopping the group stops them too.
    processGroup: true,
  });
  let exited = false;
  void child.ended.then(() => (exited = true));
  child.stdin.on('error', () => undefined);
  const running: ReplicationProcess = {
    pid: child.pid,
    stdout: child.stdout,
    stderr: child.stderr,
    exited: child.ended,
    entry: spec.entry,
    terminate: (graceMs) => child.stop(graceMs),
  };
  return {
    ...running,
    key: spec.key,
    alive: () => !exited,
    start(input) {
      // The input goes over stdin (not argv or env, which `ps` shows) and stdin then stays open:
      // when this process dies, the pipe closes and the child exits.
      child.stdin.write(JSON.stringify(input) + '\n');
      return running;
    },
  };
}
