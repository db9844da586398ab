// Keeps a set of services up. Each starts once what it depends on is up; one that dies is
// started again after a growing delay, once its dependencies are up again; after a bounded
// number of failures in a row (failed starts, or exits soon after starting) it is given up
// on as `failed` with the reason, until `repair()` (what `platform up` asks for) tries again.
// Every change of state goes to `onChange`, so the run file always tells the truth.
import { setTimeout as sleep } from 'node:timers/promises';
import { isPidAlive } from '@platform/services';
import { step, type ProgressListener } from './progress';

export interface ServiceInstance {
  readonly pid: number;
  /** Resolves with how the process ended ("killed by SIGKILL"). */
  readonly exited: Promise<string>;
  /** Stops it (at once if it is already gone) and releases what it held. */
  stop(): Promise<void>;
}

export interface ServiceSpec<Name extends string> {
  name: Name;
  /** Started (and restarted) only while these are up. */
  dependsOn: Name[];
  /** The step shown while it first starts, e.g. "postgres on :5432". */
  label: string;
  /** Resolves once the service is ready. */
  start(): Promise<ServiceInstance>;
}

export interface RestartPolicy {
  initialDelayMs: number;
  maxDelayMs: number;
  /** Failures in a row after which a service is given up on. */
  maxFailures: number;
  /** A service that ran this long before dying starts a fresh count of failures. */
  stableAfterMs: number;
}

/** Restarts after 1, 2, 4 and 8 s; the fifth failure in a row (about 15 s of trying) gives up. */
export const DEFAULT_RESTART_POLICY: RestartPolicy = { initialDelayMs: 1_000, maxDelayMs: 30_000, maxFailures: 5, stableAfterMs: 60_000 };

export type ServiceState = 'starting' | 'up' | 'restarting' | 'waiting' | 'failed' | 'stopping';

export interface ServiceStatus<Name extends string = string> {
  name: Name;
  state: ServiceState;
  /** The current process, or the last one; 0 before the first start. */
  pid: number;
  /** Successful restarts since the supervisor started. */
  restarts: number;
  /** restarting: why and when the next attempt is; waiting: for what; failed: why it was given up on. */
  detail?: string;
  lastExit?: { cause: string; at: string };
}

interface Supervised<Name extends string> {
  spec: ServiceSpec<Name>;
  status: ServiceStatus<Name>;
  instance?: ServiceInstance;
  upSince: number;
  /** Failures in a row: exits before `stableAfterMs`, and failed starts. */
  failures: number;
  /** Cuts a restart delay short (repair, stop). */
  wake: AbortController;
  loop?: Promise<void>;
}

export interface SupervisionOptions<Name extends string> {
  policy?: RestartPolicy;
  log(line: string): void;
  onChange(statuses: ServiceStatus<Name>[]): void;
}

export class ServiceSupervisor<Name extends string> {
  private readonly services: Supervised<Name>[];
  private readonly policy: RestartPolicy;
  private stopping = false;
  private stopAllRequested?: Promise<void>;
  private readonly stopped: Promise<void>;
  private markStopped!: () => void;
  private changeWaiters: (() => void)[] = [];

  constructor(
    specs: ServiceSpec<Name>[],
    private readonly options: SupervisionOptions<Name>,
  ) {
    this.policy = options.policy ?? DEFAULT_RESTART_POLICY;
    this.services = specs.map((spec) => ({
      spec,
      status: { name: spec.name, state: 'starting', pid: 0, restarts: 0 },
      upSince: 0,
      failures: 0,
      wake: new AbortController(),
    }));
    this.stopped = new Promise((resolve) => (this.markStopped = resolve));
  }

  statuses(): ServiceStatus<Name>[] {
    return this.services.map((s) => ({ ...s.status }));
  }

  /**
   * The first start: each service as soon as its dependencies are up, then kept up. Rejects
   * with the first failure once every start under way has ended (the caller then stops all).
   */
  async startAll(onProgress?: ProgressListener): Promise<void> {
    const started = new Map<Name, Promise<void>>();
    const startOne = (s: Supervised<Name>): Promise<void> => {
      let promise = started.get(s.spec.name);
      if (!promise) {
        const dependencies = s.spec.dependsOn.map((name) => startOne(this.get(name)));
        promise = Promise.all(dependencies).then(async () => {
          if (this.stopping) throw new Error('the supervisor is stopping');
          const instance = await step(onProgress, s.spec.label, () => s.spec.start());
          this.up(s, instance);
          s.loop = this.supervise(s);
        });
        started.set(s.spec.name, promise);
      }
      return promise;
    };
    const results = await Promise.allSettled(this.services.map(startOne));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  }

  /**
   * What `platform up` asks of a running platform: a failed service is started again (its
   * failures forgotten), one waiting out a restart delay is started now. Resolves once every
   * service has settled (up, or failed again), with one line per thing done.
   */
  async repair(): Promise<string[]> {
    const actions: string[] = [];
    // A process that just died may not have been noticed yet: it counts as not up.
    const notUp = this.services.filter((s) => s.status.state !== 'up' || !isPidAlive(s.status.pid));
    for (const s of notUp) {
      const { state, detail } = s.status;
      if (state === 'failed') {
        actions.push(`${s.spec.name} had failed (${detail}): starting it again`);
        s.failures = 0;
        s.loop = this.supervise(s, 'started again on request');
      } else if (state === 'restarting') {
        actions.push(`${s.spec.name} was restarting (${detail}): starting it now`);
        s.wake.abort();
      } else if (state === 'up') {
        actions.push(`${s.spec.name} was down (pid ${s.status.pid} is gone)`);
      } else {
        actions.push(`${s.spec.name} was ${describeState(s.status)}`);
      }
    }
    while (!this.stopping && !this.services.every((s) => this.settled(s))) await this.nextChange();
    for (const s of notUp) actions.push(`${s.spec.name} is ${describeState(s.status)}${s.status.state === 'up' ? ` (pid ${s.status.pid})` : ''}`);
    return actions;
  }

  /** Stops every service, dependents first, and any restart under way. */
  stopAll(): Promise<void> {
    return (this.stopAllRequested ??= (async () => {
      this.stopping = true;
      this.markStopped();
      for (const s of this.services) s.wake.abort();
      this.notify();
      // A restart under way ends with its instance recorded, so it is stopped below.
      await Promise.all(this.services.map((s) => s.loop));
      for (const s of [...this.services].reverse()) {
        if (!s.instance) continue;
        this.set(s, 'stopping');
        await s.instance.stop().catch((error) => this.options.log(`stopping ${s.spec.name} failed: ${(error as Error).message}`));
        this.options.log(`stopped ${s.spec.name}`);
      }
    })());
  }

  /** Watches the running instance; restarts it each time it dies, until given up on or stopped. */
  private async supervise(s: Supervised<Name>, startNow?: string): Promise<void> {
    if (startNow !== undefined && !(await this.restart(s, startNow, 0))) return;
    for (;;) {
      const instance = s.instance!;
      const cause = await Promise.race([instance.exited, this.stopped.then(() => undefined)]);
      if (cause === undefined || this.stopping) return;
      const ranMs = Date.now() - s.upSince;
      s.failures = ranMs >= this.policy.stableAfterMs ? 1 : s.failures + 1;
      s.instance = undefined;
      s.status.lastExit = { cause, at: new Date().toISOString() };
      this.options.log(`${s.spec.name} (pid ${instance.pid}) ${cause} after running ${formatDuration(ranMs)}`);
      // A dead process may leave things behind (SeaweedFS's sockets); its stop cleans them.
      await instance.stop().catch((error) => this.options.log(`cleaning up after ${s.spec.name} failed: ${(error as Error).message}`));
      if (!(await this.restart(s, cause))) return;
    }
  }

  /** Starts the service again until it is up: true once it is, false when given up on or stopping. */
  private async restart(s: Supervised<Name>, reason: string, firstDelayMs?: number): Promise<boolean> {
    let delayMs = firstDelayMs;
    for (;;) {
      if (this.stopping) return false;
      if (s.failures >= this.policy.maxFailures) {
        this.set(s, 'failed', `${reason}; gave up after ${s.failures} failures in a row`);
        this.options.log(`giving up on ${s.spec.name}: ${s.status.detail} (\`platform up\` tries again)`);
        return false;
      }
      delayMs ??= Math.min(this.policy.initialDelayMs * 2 ** Math.max(0, s.failures - 1), this.policy.maxDelayMs);
      s.wake = new AbortController();
      this.set(s, 'restarting', `${reason}; restart ${s.status.restarts + 1} in ${formatDuration(delayMs)}`);
      this.options.log(`${s.spec.name}: restarting in ${formatDuration(delayMs)} (failure ${s.failures} of ${this.policy.maxFailures} in a row)`);
      await sleep(delayMs, undefined, { signal: s.wake.signal }).catch(() => undefined);
      delayMs = undefined;
      if (!(await this.dependenciesUp(s))) return false;
      try {
        const instance = await s.spec.start();
        s.status.restarts++;
        this.up(s, instance);
        this.options.log(`${s.spec.name} restarted: pid ${instance.pid} (restart ${s.status.restarts})`);
        return true;
      } catch (error) {
        s.failures++;
        reason = `restart failed: ${firstLine(error)}`;
        this.options.log(`${s.spec.name} ${reason}`);
      }
    }
  }

  /** Waits, as `waiting`, until every dependency is up; false if the supervisor stops first. */
  private async dependenciesUp(s: Supervised<Name>): Promise<boolean> {
    for (;;) {
      if (this.stopping) return false;
      const down = s.spec.dependsOn.filter((name) => this.get(name).status.state !== 'up');
      if (down.length === 0) return true;
      const detail = `for ${down.map((name) => `${name} (${this.get(name).status.state})`).join(', ')}`;
      if (s.status.state !== 'waiting' || s.status.detail !== detail) this.set(s, 'waiting', detail);
      await this.nextChange();
    }
  }

  /** Up, failed, or waiting on a dependency that has failed: nothing will change without help. */
  private settled(s: Supervised<Name>): boolean {
    const { state } = s.status;
    if (state === 'up') return isPidAlive(s.status.pid);
    if (state === 'failed') return true;
    return state === 'waiting' && s.spec.dependsOn.some((name) => this.get(name).status.state === 'failed');
  }

  private up(s: Supervised<Name>, instance: ServiceInstance): void {
    s.instance = instance;
    s.upSince = Date.now();
    s.status.pid = instance.pid;
    this.set(s, 'up');
  }

  private set(s: Supervised<Name>, state: ServiceState, detail?: string): void {
    s.status.state = state;
    s.status.detail = detail;
    this.options.onChange(this.statuses());
    this.notify();
  }

  private get(name: Name): Supervised<Name> {
    const found = this.services.find((s) => s.spec.name === name);
    if (!found) throw new Error(`unknown service ${name}`);
    return found;
  }

  private nextChange(): Promise<void> {
    return new Promise((resolve) => this.changeWaiters.push(resolve));
  }

  private notify(): void {
    const waiters = this.changeWaiters;
    this.changeWaiters = [];
    for (const resolve of waiters) resolve();
  }
}

/** "up", "restarting (2)", "failed: …": a service's state in a few words. */
export function describeState(status: Pick<ServiceStatus, 'state' | 'restarts' | 'detail'>): string {
  switch (status.state) {
    case 'up':
    case 'starting':
    case 'stopping':
      return status.state;
    case 'restarting':
      return `restarting (${status.restarts + 1})`;
    case 'waiting':
      return `waiting ${status.detail}`;
    case 'failed':
      return `failed: ${status.detail}`;
  }
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0];
}

function formatDuration(ms: number): string {
  if (ms < 1_000) return `${ms} ms`;
  if (ms < 60_000) return `${Math.round(ms / 100) / 10} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}
