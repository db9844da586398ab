// The supervisor keeps every service up and health tells the truth, on the real platform
// (`platform up` on free ports in a temp state folder). Services die by kill -9. To look at
// the platform while a service is down — before the supervisor restarts it — the test
// pauses the supervisor (SIGSTOP) and resumes it (SIGCONT): the order of events is then
// fixed, with no race against the restart delay.
import { chmodSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { findConnection, startSync, unwrap, waitForJob } from '@platform/api-client';
import { connectPlatform, readRunFile, stopPlatform, type PlatformHandle, type RunFile, type ServiceRecord } from '@platform/launcher';
import { freePorts, isPidAlive, waitForExit } from '@platform/services';
import { platformCli } from './cli';
import { DEMO_CONNECTION, lakeRecords, lakeRows, sourceRecords, STREAMS, type Stream } from './demo-lake';
import { lakeClient } from './lake';

let stateDir: string;
let flags: string[];
let platform: PlatformHandle;
let s3: S3Client;
let connectionId: string;

const runFile = () => readRunFile(path.join(stateDir, 'run', 'supervisor.json'));
const service = (run: RunFile | undefined, name: ServiceRecord['name']) => run?.services.find((s) => s.name === name);
const pidOf = (name: ServiceRecord['name']) => service(runFile(), name)!.pid;

/** Polls until `condition` holds; the test's timeout bounds the wait. */
async function until<T>(probe: () => Promise<T> | T, condition: (value: T) => boolean): Promise<T> {
  for (;;) {
    const value = await probe();
    if (condition(value)) return value;
    await sleep(250);
  }
}

interface HealthBody {
  available: boolean;
  dependencies: Record<string, { available: boolean; error?: string }>;
}

async function health(): Promise<{ status: number; body: HealthBody }> {
  const res = await fetch(`${platform.apiUrl}/api/v1/health`, { signal: AbortSignal.timeout(10_000) });
  return { status: res.status, body: (await res.json()) as HealthBody };
}

/** Runs `work` with the supervisor paused, so nothing it would do (restart) happens meanwhile. */
async function withSupervisorPaused<T>(work: () => Promise<T>): Promise<T> {
  const pid = runFile()!.supervisorPid;
  process.kill(pid, 'SIGSTOP');
  try {
    return await work();
  } finally {
    process.kill(pid, 'SIGCONT');
  }
}

async function killAndWait(pid: number): Promise<void> {
  process.kill(pid, 'SIGKILL');
  expect(await waitForExit(pid, 30_000)).toBe(true);
}

/** The `platform status` line of a service, split into its columns. */
async function statusOf(name: string): Promise<{ code: number; stdout: string; columns: string[] }> {
  const status = await platformCli(['status', ...flags]);
  const line = status.stdout.split('\n').find((l) => l.startsWith(`${name} `));
  expect(line, status.stdout + status.stderr).toBeDefined();
  return { code: status.code, stdout: status.stdout, columns: line!.split(/\s{2,}/) };
}

/** A sync through the API succeeds and the lake equals the source, row by row. */
async function syncSucceedsAndLakeMatchesSource(): Promise<void> {
  const started = await startSync(platform.client, connectionId);
  const done = await waitForJob(platform.client, started.job.id, { timeoutMs: 240_000 });
  expect(done.job.status, JSON.stringify(done.attempts.at(-1)?.attempt.failureSummary)).toBe('succeeded');
  const sourceDbUrl = platform.postgres.connectionUrl('source_db');
  for (const stream of Object.keys(STREAMS) as Stream[]) {
    const { rows } = await lakeRows(s3, platform.s3.bucket, stream);
    expect(lakeRecords(rows, stream), stream).toEqual(await sourceRecords(sourceDbUrl, stream));
  }
}

async function up(): Promise<{ code: number; stdout: string; stderr: string }> {
  const result = await platformCli(['up', ...flags]);
  platform = connectPlatform({ stateDir })!;
  s3?.destroy();
  if (platform) s3 = lakeClient(platform);
  return result;
}

beforeAll(async () => {
  stateDir = mkdtempSync(path.join(tmpdir(), 'platform-supervision-'));
  chmodSync(stateDir, 0o755); // Postgres runs as the `postgres` user when we are root
  const [api, postgres, s3Port, webapp] = await freePorts(4);
  flags = ['--state-dir', stateDir, '--api-port', String(api), '--postgres-port', String(postgres), '--s3-port', String(s3Port), '--webapp-port', String(webapp)];
  const result = await up();
  expect(result.code, `platform up failed:\n${result.stderr}`).toBe(0);
  connectionId = (await findConnection(platform.client, DEMO_CONNECTION)).connectionId;
  // `up` starts the connection's first (scheduled) sync: let it end before faults begin.
  const { jobs } = await unwrap('jobs/list', platform.client.POST('/v1/jobs/list', { body: { configTypes: ['sync'], configId: connectionId } }));
  for (const job of jobs) await waitForJob(platform.client, job.job.id, { timeoutMs: 240_000 });
});

afterAll(async () => {
  s3?.destroy();
  if (stateDir) {
    await platformCli(['down', ...flags]).catch(() => undefined);
    await stopPlatform({ stateDir }).catch(() => undefined);
    if (process.env.KEEP_E2E_STATE) console.log(`state kept in ${stateDir}`);
    else rmSync(stateDir, { recursive: true, force: true });
  }
});

describe.sequential('supervision', () => {
  test('kill -9 of the S3 server: status says down, /health answers 503 naming s3; it comes back by itself and a sync succeeds', async () => {
    const killed = pidOf('s3');
    await withSupervisorPaused(async () => {
      await killAndWait(killed);
      const status = await statusOf('s3');
      expect(status.code).toBe(1);
      expect(status.columns[1]).toBe('down');
      expect(status.stdout).toMatch(/dependencies \(server \/api\/v1\/health\): database available, s3 UNAVAILABLE \(.*ECONNREFUSED/);

      const down = await health();
      expect(down.status).toBe(503);
      expect(down.body.available).toBe(false);
      expect(down.body.dependencies.database).toEqual({ available: true });
      expect(down.body.dependencies.s3).toMatchObject({ available: false, error: expect.stringMatching(/ECONNREFUSED/) });
    });

    const back = await until(runFile, (run) => service(run, 's3')?.state === 'up' && service(run, 's3')!.pid !== killed);
    expect(service(back, 's3')).toMatchObject({ restarts: 1, lastExit: { cause: 'killed by SIGKILL' } });
    expect(readFileSync(path.join(stateDir, 'logs', 'supervisor.log'), 'utf8')).toMatch(new RegExp(`s3 \\(pid ${killed}\\) killed by SIGKILL after running`));
    const status = await statusOf('s3');
    expect(status.code, status.stdout).toBe(0);
    expect(status.columns.slice(0, 4)).toEqual(['s3', 'up', 'healthy', '1']);
    expect(status.stdout).toMatch(/s3: last exit killed by SIGKILL at .*; restarted 1 time/);
    expect(await health()).toMatchObject({ status: 200, body: { available: true, dependencies: { database: { available: true }, s3: { available: true } } } });

    await syncSucceedsAndLakeMatchesSource();
  });

  test('kill -9 of the Postgres postmaster: status says down, /health answers 503 naming the database; it comes back and a sync succeeds', async () => {
    const killed = pidOf('postgres');
    await withSupervisorPaused(async () => {
      await killAndWait(killed);
      const status = await statusOf('postgres');
      expect(status.code).toBe(1);
      expect(status.columns[1]).toBe('down');
      // Connections the server held end as their backends notice the postmaster is gone.
      const down = await until(health, (h) => h.status === 503);
      expect(down.body.available).toBe(false);
      expect(down.body.dependencies.database.available).toBe(false);
      expect(down.body.dependencies.database.error).toBeTruthy();
      expect(down.body.dependencies.s3).toEqual({ available: true });
    });

    const back = await until(runFile, (run) => service(run, 'postgres')?.state === 'up' && service(run, 'postgres')!.pid !== killed);
    expect(service(back, 'postgres')).toMatchObject({ restarts: 1, lastExit: { cause: 'killed by SIGKILL' } });
    // The server and the worker reconnect on their own: neither was restarted.
    expect(back!.services.filter((s) => s.name === 'server' || s.name === 'worker').map((s) => s.restarts)).toEqual([0, 0]);
    await until(health, (h) => h.status === 200);
    expect(await health()).toMatchObject({ status: 200, body: { available: true } });

    await syncSucceedsAndLakeMatchesSource();
  });

  test('kill -9 of the server and of the worker: each comes back by itself and a sync succeeds', async () => {
    for (const name of ['server', 'worker'] as const) {
      const killed = pidOf(name);
      await killAndWait(killed);
      const back = await until(runFile, (run) => service(run, name)?.state === 'up' && service(run, name)!.pid !== killed);
      expect(service(back, name), name).toMatchObject({ restarts: 1, lastExit: { cause: 'killed by SIGKILL' } });
    }
    expect(await health()).toMatchObject({ status: 200, body: { available: true } });

    await syncSucceedsAndLakeMatchesSource();
  });

  test('a service that keeps failing is given up on with the reason, and `platform up` asks the supervisor to start it again', async () => {
    // A file where the S3 data folder belongs makes every start fail (also as root, whom
    // permissions would not stop); putting the folder back is the operator's fix.
    const dataDir = path.join(stateDir, 'data', 's3');
    const aside = `${dataDir}.aside`;
    try {
      await withSupervisorPaused(async () => {
        await killAndWait(pidOf('s3'));
        renameSync(dataDir, aside);
        writeFileSync(dataDir, 'not a folder');
      });
      const failed = await until(runFile, (run) => service(run, 's3')?.state === 'failed');
      expect(service(failed, 's3')!.detail).toBe(`restart failed: EEXIST: file already exists, mkdir '${dataDir}'; gave up after 5 failures in a row`);
      const status = await statusOf('s3');
      expect(status.code).toBe(1);
      expect(status.columns[1]).toBe(`failed: ${service(failed, 's3')!.detail}`);
      expect((await health()).body.dependencies.s3.available).toBe(false);
    } finally {
      rmSync(dataDir, { force: true });
      renameSync(aside, dataDir);
    }

    const repaired = await up();
    expect(repaired.code, repaired.stderr).toBe(0);
    expect(repaired.stderr).toMatch(/Repaired the running platform \(supervisor pid \d+\):/);
    expect(repaired.stderr).toContain(`s3 had failed (restart failed: EEXIST: file already exists, mkdir '${dataDir}'; gave up after 5 failures in a row): starting it again`);
    expect(repaired.stderr).toMatch(/s3 is up \(pid \d+\)/);
    expect(repaired.stderr).not.toMatch(/Already running/);
    const status = await platformCli(['status', ...flags]);
    expect(status.code, status.stdout).toBe(0);
    expect(await health()).toMatchObject({ status: 200, body: { available: true } });

    await syncSucceedsAndLakeMatchesSource();
  });

  test('`platform up` after the supervisor and the worker were both killed starts the platform again', async () => {
    const before = runFile()!;
    const worker = service(before, 'worker')!.pid;
    await killAndWait(before.supervisorPid);
    await killAndWait(worker);
    const stale = await platformCli(['status', ...flags]);
    expect(stale.code).toBe(1);
    expect(stale.stdout).toMatch(/stale run file/);

    const repaired = await up();
    expect(repaired.code, repaired.stderr).toBe(0);
    expect(repaired.stderr).toMatch(new RegExp(`its supervisor \\(pid ${before.supervisorPid}\\) is not running and (\\w+, )*worker(, \\w+)* (was|were) down`));
    expect(repaired.stderr).toMatch(/starting the whole platform again/);
    const after = runFile()!;
    expect(after.supervisorPid).not.toBe(before.supervisorPid);
    expect(after.services.map((s) => [s.name, s.state])).toEqual([
      ['postgres', 'up'],
      ['s3', 'up'],
      ['server', 'up'],
      ['worker', 'up'],
      ['query', 'up'],
    ]);
    // Nothing of the old platform is left running beside the new one.
    for (const s of before.services) if (!after.services.some((n) => n.pid === s.pid)) expect(isPidAlive(s.pid), `${s.name} ${s.pid}`).toBe(false);
    const status = await platformCli(['status', ...flags]);
    expect(status.code, status.stdout).toBe(0);

    await syncSucceedsAndLakeMatchesSource();
  });
});
