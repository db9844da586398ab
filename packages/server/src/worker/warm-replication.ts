// One replication child spawned ahead of time: it has started Node and loaded every connector
// (DuckDB's native addon, the AWS SDK, pg) before a job is claimed, so an attempt only sends it
// its input. That start is 1–4 s of a job's wall time on a busy machine, a fifth of a 1M-row
// sync (issue 13). An attempt takes it only when it was spawned as that attempt's own child
// would be (same program, Node flags such as a connection's heap limit, and environment);
// anything else spawns a fresh child as before. The worker spawns the next one when an
// attempt ends, not meanwhile, so it never competes with a running sync for the CPU. While it
// waits it does nothing (it blocks on its stdin), and it exits when the worker goes away.
import type { Logger } from '../shared/logger';
import { spawnReplication, type IdleReplication, type ReplicationSpec } from './replication-process';

export class WarmReplication {
  private idle?: IdleReplication;
  private stopped = false;

  constructor(
    /** The spec of the worker's usual child (its default limits), read anew at each spawn. */
    private readonly usualSpec: () => ReplicationSpec,
    private readonly log: Logger,
  ) {}

  /** Spawns the next child ahead of time unless one of the usual spec waits already. */
  replenish(): void {
    if (this.stopped) return;
    try {
      const spec = this.usualSpec();
      if (this.idle?.alive() && this.idle.key === spec.key) return;
      // Spawned before the bundle was rebuilt or the environment changed: it would run stale.
      void this.idle?.terminate(0);
      this.idle = spawnReplication(spec);
    } catch (err) {
      // Attempts then spawn their own child, and report what failed.
      this.idle = undefined;
      this.log.warn('could not spawn a replication child ahead of time', { error: err });
    }
  }

  /** The waiting child when it was spawned as `spec` and is alive; it is the caller's from now on. */
  take(spec: ReplicationSpec): IdleReplication | undefined {
    const child = this.idle;
    if (!child?.alive() || child.key !== spec.key) return undefined;
    this.idle = undefined;
    return child;
  }

  /** Stops the waiting child; none is spawned after. */
  async stop(): Promise<void> {
    this.stopped = true;
    const child = this.idle;
    this.idle = undefined;
    await child?.terminate(0);
  }
}
