// The supervision rules on real processes (small Node scripts): restart with the exit cause,
// give up after a bounded number of failures in a row, dependency order, repair, stop order.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import readline from 'node:readline';
import { afterEach, describe, expect, test } from 'vitest';
import { exitOf, isPidAlive, stopProcess } from '@platform/services';
import { ServiceSupervisor, type RestartPolicy, type ServiceInstance, type ServiceSpec, type ServiceStatus } from './supervision';

const RUNS = "console.log('ready'); setInterval(() => {}, 1000)";
const CRASHES_AT_START = 'process.exit(3)';
const POLICY: RestartPolicy = { initialDelayMs: 10, maxDelayMs: 40, maxFailures: 3, stableAfterMs: 60_000 };

/** A service that is a Node process running `script()`; ready once it prints a line. */
function nodeProcess(script: () => string, started: string[], name: string): () => Promise<ServiceInstance> {
  return async () => {
    const child = spawn(process.execPath, ['-e', script()], { stdio: ['ignore', 'pipe', 'ignore'] });
    const exited = exitOf(child);
    const ready = once(readline.createInterface({ input: child.stdout! }), 'line').then(() => 'ready');
    const result = await Promise.race([ready, exited]);
    if (result !== 'ready') throw new Error(`${name} ${result} while starting`);
    started.push(name);
    return { pid: child.pid!, exited, stop: () => stopProcess(child, 5_000) };
  };
}

type Name = 'db' | 'app';

interface Harness {
  supervisor: ServiceSupervisor<Name>;
  log: string[];
  started: string[];
  history: ServiceStatus<Name>[][];
  status(name: Name): ServiceStatus<Name>;
  /** Resolves once the statuses satisfy `predicate` (checked on every change). */
  until(predicate: (status: (name: Name) => ServiceStatus<Name>) => boolean): Promise<void>;
  script: Record<Name, string>;
}

const supervisors: ServiceSupervisor<Name>[] = [];
afterEach(async () => {
  await Promise.all(supervisors.splice(0).map((s) => s.stopAll()));
});

function harness(): Harness {
  const log: string[] = [];
  const started: string[] = [];
  const history: ServiceStatus<Name>[][] = [];
  const script: Record<Name, string> = { db: RUNS, app: RUNS };
  let waiters: (() => void)[] = [];
  const specs: ServiceSpec<Name>[] = [
    { name: 'db', dependsOn: [], label: 'db', start: nodeProcess(() => script.db, started, 'db') },
    { name: 'app', dependsOn: ['db'], label: 'app', start: nodeProcess(() => script.app, started, 'app') },
  ];
  const supervisor = new ServiceSupervisor<Name>(specs, {
    policy: POLICY,
    log: (line) => log.push(line),
    onChange: (statuses) => {
      history.push(statuses);
      const current = waiters;
      waiters = [];
      for (const wake of current) wake();
    },
  });
  supervisors.push(supervisor);
  const status = (name: Name) => supervisor.statuses().find((s) => s.name === name)!;
  return {
    supervisor,
    log,
    started,
    history,
    status,
    script,
    async until(predicate) {
      while (!predicate(status)) await new Promise<void>((resolve) => waiters.push(resolve));
    },
  };
}

describe('ServiceSupervisor', () => {
  test('restarts a killed service, logs the exit cause and counts the restart', async () => {
    const h = harness();
    await h.supervisor.startAll();
    const first = h.status('db').pid;
    process.kill(first, 'SIGKILL');
    await h.until((s) => s('db').state === 'up' && s('db').pid !== first);

    const db = h.status('db');
    expect(db).toMatchObject({ restarts: 1, lastExit: { cause: 'killed by SIGKILL' } });
    expect(isPidAlive(db.pid)).toBe(true);
    expect(h.history.some((statuses) => statuses.find((s) => s.name === 'db')!.state === 'restarting')).toBe(true);
    expect(h.log).toContainEqual(expect.stringMatching(new RegExp(`^db \\(pid ${first}\\) killed by SIGKILL after running`)));
    expect(h.log).toContainEqual(`db restarted: pid ${db.pid} (restart 1)`);
    expect(h.status('app')).toMatchObject({ state: 'up', restarts: 0 }); // it was not touched
  });

  test('gives up after a bounded number of failures in a row, saying why; repair starts it again', async () => {
    const h = harness();
    await h.supervisor.startAll();
    h.script.app = CRASHES_AT_START;
    process.kill(h.status('app').pid, 'SIGKILL');
    await h.until((s) => s('app').state === 'failed');

    expect(h.status('app').detail).toBe(`restart failed: app exited with code 3 while starting; gave up after ${POLICY.maxFailures} failures in a row`);
    expect(h.log.filter((line) => line.startsWith('app restart failed'))).toHaveLength(POLICY.maxFailures - 1);
    expect(h.log).toContainEqual(expect.stringMatching(/^giving up on app: .*`platform up` tries again/));

    h.script.app = RUNS;
    const reason = h.status('app').detail;
    const actions = await h.supervisor.repair();
    expect(actions).toEqual([`app had failed (${reason}): starting it again`, `app is up (pid ${h.status('app').pid})`]);
    expect(h.status('app')).toMatchObject({ state: 'up', restarts: 1 });
  });

  test('restarts a dependent only once its dependency is up again', async () => {
    const h = harness();
    await h.supervisor.startAll();
    h.script.db = CRASHES_AT_START;
    process.kill(h.status('db').pid, 'SIGKILL');
    await h.until((s) => s('db').state !== 'up');
    process.kill(h.status('app').pid, 'SIGKILL');
    await h.until((s) => s('db').state === 'failed' && s('app').state === 'waiting');
    expect(h.status('app').detail).toBe('for db (failed)');
    expect(h.started).toEqual(['db', 'app']); // nothing restarted while db was down

    h.script.db = RUNS;
    const actions = await h.supervisor.repair();
    expect(h.started).toEqual(['db', 'app', 'db', 'app']);
    expect(actions).toEqual([
      expect.stringMatching(/^db had failed \(restart failed: db exited with code 3 while starting; gave up after 3 failures in a row\): starting it again$/),
      'app was waiting for db (failed)',
      `db is up (pid ${h.status('db').pid})`,
      `app is up (pid ${h.status('app').pid})`,
    ]);
  });

  test('stops dependents first and restarts nothing while stopping', async () => {
    const h = harness();
    await h.supervisor.startAll();
    const pids = [h.status('db').pid, h.status('app').pid];
    await h.supervisor.stopAll();
    expect(h.log).toEqual(['stopped app', 'stopped db']);
    expect(pids.map(isPidAlive)).toEqual([false, false]);
    expect(h.started).toEqual(['db', 'app']);
  });

  test('a first start that fails rejects with the reason once the other starts have ended', async () => {
    const h = harness();
    h.script.app = CRASHES_AT_START;
    await expect(h.supervisor.startAll()).rejects.toThrow('app exited with code 3 while starting');
    expect(h.status('db').state).toBe('up'); // the caller stops what did start
  });
});
