// The precompiled replication child: built by esbuild, chosen only while fresh, and a real sync
// through it (source-file reading a local CSV → destination-s3 on SeaweedFS) lands every row.
import { readFileSync } from 'node:fs';
import { mkdir, rm, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findDefinition, type Source } from '@platform/connectors';
import type { ConfiguredAirbyteCatalog } from '@platform/protocol';
import { readLines } from '@platform/protocol';
import { spawnNodeEntry } from '@platform/services/lifecycle';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestLake, type TestLake } from '../testing/test-lake';
import { childEnvironment } from './child-env';
import { PRELOAD_VARIABLE, type ChildReport, type ReplicationInput } from './child-protocol';
import { waitFor } from '../testing/processes';
import { REPLICATION_MAIN_TS, buildReplicationBundle, replicationEntry } from './replication-bundle';

const ROWS = 3_000;
// Inside packages/server, so the bundle finds its external modules (DuckDB, pg) as the real one does.
const dir = fileURLToPath(new URL(`../../.tmp/replication-bundle-${process.pid}/`, import.meta.url));
const bundle = join(dir, 'replication-main.mjs');
let lake: TestLake;

beforeAll(async () => {
  await mkdir(dir, { recursive: true });
  lake = await startTestLake(dir);
  await buildReplicationBundle(bundle);
}, 120_000);

afterAll(async () => {
  await lake?.stop();
  await rm(dir, { recursive: true, force: true });
});

/** The files a process has mapped (its shared libraries among them). */
const openedFiles = (pid: number) => readFileSync(`/proc/${pid}/maps`, 'utf8').split('\n').map((line) => line.split(/\s+/)[5] ?? '');

describe('replication child bundle', () => {
  it('is chosen while fresh, else the TypeScript entry with the reason', async () => {
    expect(replicationEntry({}, bundle)).toEqual({ path: bundle, precompiled: true });
    // Test connectors are TypeScript modules the bundle cannot import.
    expect(replicationEntry({ PLATFORM_EXTRA_CONNECTORS: '/x/fake.ts' }, bundle)).toEqual({ path: REPLICATION_MAIN_TS, precompiled: false, reason: 'PLATFORM_EXTRA_CONNECTORS is set' });
    expect(replicationEntry({}, join(dir, 'missing.mjs'))).toMatchObject({ path: REPLICATION_MAIN_TS, precompiled: false, reason: expect.stringContaining('no build at') });
    // Built before a source changed: stale.
    const past = new Date(Date.now() - 10 * 365 * 24 * 3600 * 1000);
    const stale = join(dir, 'stale.mjs');
    await buildReplicationBundle(stale);
    await utimes(stale, past, past);
    expect(replicationEntry({}, stale)).toMatchObject({ precompiled: false, reason: expect.stringMatching(/\.ts changed since the build/) });
  });

  /** A sync of the CSV through the bundle; `spawnedAhead`: the child is spawned as the worker's warm one, its input sent once it has loaded. */
  async function syncThroughBundle(prefix: string, spawnedAhead: boolean): Promise<ChildReport[]> {
    const csv = join(dir, 'people.csv');
    await writeFile(csv, ['id,name', ...Array.from({ length: ROWS }, (_, i) => `${i},name ${i}`)].join('\n'));
    const sourceConfig = { dataset_name: 'people', format: 'csv', url: csv, provider: { storage: 'local' } };
    const source = (await findDefinition('source-file')!.load()) as Source;
    const [stream] = (await source.discover(sourceConfig, { log: () => undefined })).streams;
    const catalog: ConfiguredAirbyteCatalog = { streams: [{ stream, sync_mode: 'full_refresh', destination_sync_mode: 'overwrite' }] };
    const descriptor = { name: stream.name, namespace: stream.namespace ?? null };
    const attemptDir = join(dir, `attempt-${prefix}`);
    await mkdir(attemptDir);
    const input: ReplicationInput = {
      source: { connector: 'source-file', config: sourceConfig },
      destination: { connector: 'destination-s3', config: lake.destinationConfig(prefix) },
      catalog,
      streams: [{ source: descriptor, destination: descriptor }],
      tmpDir: attemptDir,
    };
    // Spawned ahead, its TMPDIR is a directory that does not exist: a spill file written there, not in the input's, fails the sync.
    const env: Record<string, string> = spawnedAhead ? { TMPDIR: join(dir, 'not-a-directory'), [PRELOAD_VARIABLE]: '1' } : { TMPDIR: attemptDir };
    const child = spawnNodeEntry({ name: 'bundled child', entry: bundle, precompiled: true, env: childEnvironment(process.env, env), output: 'pipe', stopGraceMs: 0 });
    expect(child.child.spawnargs.join(' ')).not.toMatch(/tsx/);
    if (spawnedAhead) await waitFor('the child to load its connectors', () => openedFiles(child.pid).some((f) => f.includes('duckdb')), 30_000);
    child.stdin.write(JSON.stringify(input) + '\n');
    const reports: ChildReport[] = [];
    for await (const line of readLines(child.stdout)) {
      const report = JSON.parse(line) as ChildReport;
      reports.push(report);
      if (report.type === 'succeeded' || report.type === 'failed') break;
    }
    await child.stop(0);
    return reports;
  }

  it('runs a sync from the bundle, without tsx: every row lands', async () => {
    const reports = await syncThroughBundle('bundled', false);
    expect(reports.at(-1)).toMatchObject({ type: 'succeeded' });
    const rows = await lake.query('bundled', 'SELECT CAST(id AS BIGINT) AS id, name FROM lake ORDER BY 1');
    expect(rows).toEqual(Array.from({ length: ROWS }, (_, i) => ({ id: String(i), name: `name ${i}` })));
  });

  it('spawned ahead of time, loads its connectors first and spills where its input says: every row lands', async () => {
    const reports = await syncThroughBundle('spawned-ahead', true);
    expect(reports.at(-1)).toMatchObject({ type: 'succeeded' });
    const rows = await lake.query('spawned-ahead', 'SELECT CAST(id AS BIGINT) AS id, name FROM lake ORDER BY 1');
    expect(rows).toEqual(Array.from({ length: ROWS }, (_, i) => ({ id: String(i), name: `name ${i}` })));
  });
});
