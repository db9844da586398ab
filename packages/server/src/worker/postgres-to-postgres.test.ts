// source-postgres → destination-postgres (Basic normalization) through the real worker path, on
// the test run's embedded Postgres (wal_level=logical): CDC into Incremental | Deduped under a
// concurrent writer of our own, its replication child or its worker process SIGKILLed mid-sync,
// CDC into S3 (SeaweedFS) read back deduplicated, Standard incremental updates, and loads killed
// mid-way. Every check compares the destination with the source by an ordered checksum of all
// rows; the replication slot is watched so that its confirmed position never passes the position
// the platform saved (what the destination committed).
import { findDefinition, type Source } from '@platform/connectors';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startTestPlatform, type SourceDatabase, type StreamSpec, type TestPlatform } from '../testing/platform-harness';
import { replicationChildOf, spawnWorkerProcess, waitFor } from '../testing/processes';
import { isPidAlive } from '@platform/services';
import { createTestDatabase } from '../testing/test-database';
import { startTestLake, type TestLake } from '../testing/test-lake';
import type { Worker } from './worker';

// Small chunks: many STATEs per sync, so a kill lands between two commits.
process.env.SOURCE_POSTGRES_CHUNK_ROWS = '500';

const NAMESPACE = 'public';
const ctx = { log: () => undefined };

let platform: TestPlatform;
let source: SourceDatabase;
let analytics: Awaited<ReturnType<typeof createTestDatabase>>;
let destinationConfig: Record<string, unknown>;
let worker: Worker;
let lake: TestLake;
const slots: string[] = [];

async function runSql<R extends pg.QueryResultRow = any>(url: string, text: string, params?: unknown[]): Promise<R[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query("SET TimeZone = 'UTC'");
    return (await client.query<R>(text, params)).rows;
  } finally {
    await client.end();
  }
}
const destination = <R extends pg.QueryResultRow = any>(text: string) => runSql<R>(analytics.url, text);

beforeAll(async () => {
  platform = await startTestPlatform();
  source = await platform.createSourceDatabase();
  // CDC reads through a replication connection (REPLICATION); the publications are its own (CREATE).
  await runSql(inject('postgresUrl'), `ALTER ROLE ${source.config.username} REPLICATION; GRANT CREATE ON DATABASE ${source.config.database} TO ${source.config.username}`);
  analytics = await createTestDatabase('analytics', { migrate: false });
  const url = new URL(analytics.url);
  destinationConfig = {
    host: url.hostname,
    port: Number(url.port),
    database: url.pathname.slice(1),
    schema: 'public',
    username: decodeURIComponent(url.username),
    password: decodeURIComponent(url.password),
    ssl_mode: { mode: 'disable' },
    normalization: 'basic',
  };
  lake = await startTestLake(platform.dir);
  worker = startLiveWorker();
}, 120_000);

/** Quick to notice a dead replication child or worker; a retry pause long enough for a test to hold the job (pauses, not assertions). */
const startLiveWorker = () => platform.startWorker({ staleAfterMs: 3000, backoff: { initialMs: 4000, factor: 1.5, maxMs: 8000 } });

afterAll(async () => {
  await worker?.stop(0);
  // A logical slot keeps its database from being dropped.
  for (const slot of slots) await source?.query(`SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = '${slot}' AND NOT active`).catch(() => undefined);
  await analytics?.drop();
  await lake?.stop();
  await platform?.stop();
}, 120_000);

/** The tables under test: the same columns, a single or a composite primary key. */
interface Table {
  name: string;
  key: string[];
}

async function createTables(tables: Table[], rows: number): Promise<void> {
  for (const t of tables) {
    await source.sql(`CREATE TABLE ${t.name} (tenant int NOT NULL, id bigint NOT NULL, label text, amount numeric(20, 4), at timestamptz, flag boolean, PRIMARY KEY (${t.key.join(', ')}));
      INSERT INTO ${t.name} SELECT g % 3, g, 'row ' || g || ' ✓', g * 1.0001, '2024-01-01 00:00:00+00'::timestamptz + g * interval '1.000001 second', g % 2 = 0 FROM generate_series(1, ${rows}) g;
      ANALYZE ${t.name};`);
  }
}

/** The same rendering of every row on both sides, ordered by the primary key. */
const checksumSql = (t: Table) => `SELECT count(*)::int AS n, md5(coalesce(string_agg(concat_ws('|', tenant, id, coalesce(label, '∅'), coalesce(trim_scale(amount)::text, '∅'),
    coalesce(to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US'), '∅'), coalesce(flag::text, '∅')), E'\\n' ORDER BY ${t.key.join(', ')}), '')) AS sum FROM ${t.name}`;

async function expectEqualTables(tables: Table[]): Promise<void> {
  for (const t of tables) {
    const [expected] = await source.query(checksumSql(t));
    expect(expected.n).toBeGreaterThan(0);
    expect({ table: t.name, ...(await destination(checksumSql(t)))[0] }).toEqual({ table: t.name, ...expected });
  }
}

async function discovered(config: Record<string, unknown>, names: string[]) {
  const connector = (await findDefinition('source-postgres')!.load()) as Source;
  const { streams } = await connector.discover(config as never, ctx);
  return names.map((name) => streams.find((s) => s.name === name)!);
}

async function cdcConnection(tables: Table[], slot: string, toS3?: string) {
  const names = tables.map((t) => t.name);
  await source.sql(`CREATE PUBLICATION ${slot}_pub FOR TABLE ${names.join(', ')}`);
  await source.query(`SELECT pg_create_logical_replication_slot('${slot}', 'pgoutput')`);
  slots.push(slot);
  const config = { ...source.sourceConfig, replication_method: { method: 'CDC', plugin: 'pgoutput', replication_slot: slot, publication: `${slot}_pub`, initial_waiting_seconds: 120 } };
  const streams: StreamSpec[] = (await discovered(config, names)).map((s, i) => ({
    name: s.name,
    namespace: NAMESPACE,
    syncMode: 'incremental',
    destinationSyncMode: toS3 ? 'append' : 'append_dedup',
    cursorField: ['_ab_cdc_lsn'],
    primaryKey: tables[i].key.map((k) => [k]),
    jsonSchema: s.json_schema,
  }));
  return platform.createConnection({
    source: { definitionId: findDefinition('source-postgres')!.id, config },
    destination: toS3 ? { definitionId: findDefinition('destination-s3')!.id, config: lake.destinationConfig(toS3) } : { definitionId: findDefinition('destination-postgres')!.id, config: destinationConfig },
    streams,
  });
}

async function syncToEnd(connectionId: string): Promise<void> {
  const job = await platform.waitForJob((await platform.services.jobs.sync(connectionId)).id, undefined, 180_000);
  expect(job.status).toBe('succeeded');
}

const savedLsn = async (connectionId: string): Promise<string | undefined> =>
  (await platform.sql(`SELECT state->>'lsn' AS lsn FROM connection_state WHERE connection_id = $1 AND state_type = 'GLOBAL' AND stream_name = ''`, [connectionId]))[0]?.lsn ?? undefined;

/**
 * Samples the slot's confirmed position, then the position the platform has saved: the slot
 * moves only at a sync's start, to a saved position, so it must never be ahead of it.
 */
function watchSlot(slot: string, connectionId: string) {
  const violations: string[] = [];
  let samples = 0;
  let running = true;
  const loop = (async () => {
    while (running) {
      const [row] = await source.query(`SELECT confirmed_flush_lsn::text AS lsn FROM pg_replication_slots WHERE slot_name = '${slot}'`);
      const saved = await savedLsn(connectionId);
      if (row && saved !== undefined) {
        const [{ ahead }] = await source.query(`SELECT '${row.lsn}'::pg_lsn > '${saved}'::pg_lsn AS ahead`);
        if (ahead) violations.push(`slot at ${row.lsn}, saved ${saved}`);
        samples++;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  })().catch((err: Error) => void violations.push(`sampling failed: ${err.message}`));
  return {
    async stop() {
      running = false;
      await loop;
      return { violations, samples };
    },
  };
}

/** A deterministic PRNG, so a failing run can be replayed. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

/**
 * A bounded writer: transactions of inserts, updates (some twice in one transaction) and deletes
 * (some followed by a re-insert of the same key) on `tables`, until `until()` says stop or
 * `maxTransactions` ran.
 */
function startWriter(tables: Table[], firstNewId: number, until: () => boolean, maxTransactions: number, seed: number) {
  const random = prng(seed);
  const pick = <T>(xs: T[]) => xs[Math.floor(random() * xs.length)];
  let nextId = firstNewId;
  let transactions = 0;
  const counts = { inserts: 0, updates: 0, deletes: 0 };
  const done = (async () => {
    const client = new pg.Client({ connectionString: `postgres://${source.config.username}:${source.config.password}@${source.config.host}:${source.config.port}/${source.config.database}` });
    await client.connect();
    try {
      while (transactions < maxTransactions && !until()) {
        await client.query('BEGIN');
        for (let i = 1 + Math.floor(random() * 4); i > 0; i--) {
          const t = pick(tables);
          const id = 1 + Math.floor(random() * (nextId - 1));
          const tenant = id % 3;
          const op = random();
          if (op < 0.35) {
            const fresh = nextId++;
            await client.query(`INSERT INTO ${t.name} VALUES ($1, $2, $3, $4, now(), $5)`, [fresh % 3, fresh, random() < 0.1 ? null : `new ${fresh} "q" \\ é`, (random() * 1e6).toFixed(4), random() < 0.5]);
            counts.inserts++;
          } else if (op < 0.75) {
            const set = `label = 'upd ' || md5(random()::text), amount = amount + ${(random() * 100).toFixed(4)}, at = clock_timestamp(), flag = NOT coalesce(flag, false)`;
            await client.query(`UPDATE ${t.name} SET ${set} WHERE tenant = $1 AND id = $2`, [tenant, id]);
            if (random() < 0.3) await client.query(`UPDATE ${t.name} SET label = label || ' again', amount = NULL WHERE tenant = $1 AND id = $2`, [tenant, id]);
            counts.updates++;
          } else {
            await client.query(`DELETE FROM ${t.name} WHERE tenant = $1 AND id = $2`, [tenant, id]);
            if (random() < 0.3) await client.query(`INSERT INTO ${t.name} VALUES ($1, $2, 'reborn', 1, now(), NULL)`, [tenant, id]);
            counts.deletes++;
          }
        }
        await client.query('COMMIT');
        transactions++;
        // Spread the writes over several syncs rather than finishing before the first one.
        await new Promise((r) => setTimeout(r, 5));
      }
    } finally {
      await client.end();
    }
    return { transactions, ...counts };
  })();
  return { done };
}

describe('CDC into destination-postgres Incremental | Deduped, through the worker', () => {
  const tables: Table[] = [
    { name: 'cdc_accounts', key: ['id'] },
    { name: 'cdc_orders', key: ['id'] },
    { name: 'cdc_ledger', key: ['tenant', 'id'] },
  ];
  const SEED_ROWS = 2_000;
  let connectionId: string;

  beforeAll(async () => {
    await createTables(tables, SEED_ROWS);
    connectionId = (await cdcConnection(tables, 'p2p_slot')).connectionId;
  }, 120_000);

  it('under a concurrent writer, each table equals its source after the writer stops and a final sync runs', async () => {
    const watch = watchSlot('p2p_slot', connectionId);
    let syncs = 0;
    // The writer runs through the snapshot and at least two more syncs.
    const writer = startWriter(tables, SEED_ROWS + 1, () => syncs >= 3, 2_000, 1);
    let writing = true;
    const finished = writer.done.finally(() => (writing = false));
    while (writing) {
      await syncToEnd(connectionId);
      syncs++;
    }
    const written = await finished;
    await syncToEnd(connectionId);
    const slot = await watch.stop();

    expect(written.updates).toBeGreaterThan(0);
    expect(written.deletes).toBeGreaterThan(0);
    await expectEqualTables(tables);
    // Every version went through the raw table; the final table kept one per key.
    const [{ n: rawRows }] = await destination(`SELECT count(*)::int AS n FROM _airbyte_raw_cdc_accounts`);
    const [{ n: finalRows }] = await destination(`SELECT count(*)::int AS n FROM cdc_accounts`);
    expect(rawRows).toBeGreaterThan(finalRows);
    expect(slot.violations).toEqual([]);
    expect(slot.samples).toBeGreaterThan(0);
  }, 600_000);

  it('its replication child SIGKILLed mid-sync: the retry loses nothing, and the slot never passes what the destination committed', async () => {
    const watch = watchSlot('p2p_slot', connectionId);
    // A backlog of many transactions, so the sync commits several states before it ends.
    for (let i = 0; i < 40; i++) await source.sql(`UPDATE cdc_orders SET amount = amount + 1, label = 'bulk ${i}' WHERE id % 40 = ${i}`);
    const before = await savedLsn(connectionId);
    const job = await platform.services.jobs.sync(connectionId);
    let stopWriter = false;
    const writer = startWriter(tables, 100_000, () => stopWriter, 2_000, 2);
    await waitFor('a state committed mid-sync', async () => (await savedLsn(connectionId)) !== before, 120_000);
    const child = replicationChildOf(process.pid);
    expect(child, 'the sync ended before it could be killed').toBeGreaterThan(0);
    process.kill(child!, 'SIGKILL');
    await platform.waitForJob(job.id, undefined, 180_000);
    stopWriter = true;
    await writer.done;
    const attempts = await platform.jobStore.attemptsOf([job.id]);
    expect(attempts[0].failureSummary?.failures[0]).toMatchObject({ failureOrigin: 'replication' });
    expect(attempts.at(-1)!.status).toBe('succeeded');

    await syncToEnd(connectionId);
    const slot = await watch.stop();
    await expectEqualTables(tables);
    expect(slot.violations).toEqual([]);
    // After the final sync the slot stands at most at the saved position.
    const [{ ahead }] = await source.query(`SELECT confirmed_flush_lsn > '${await savedLsn(connectionId)}'::pg_lsn AS ahead FROM pg_replication_slots WHERE slot_name = 'p2p_slot'`);
    expect(ahead).toBe(false);
  }, 600_000);
});

function standardConnection(tables: Table[], mode: 'overwrite' | 'append_dedup') {
  return platform.createConnection({
    source: { definitionId: findDefinition('source-postgres')!.id, config: source.sourceConfig },
    destination: { definitionId: findDefinition('destination-postgres')!.id, config: destinationConfig },
    streams: tables.map((t) => ({
      name: t.name,
      namespace: NAMESPACE,
      syncMode: mode === 'overwrite' ? 'full_refresh' : 'incremental',
      destinationSyncMode: mode,
      cursorField: mode === 'overwrite' ? undefined : ['at'],
      primaryKey: t.key.map((k) => [k]),
      jsonSchema: {
        type: 'object',
        properties: {
          tenant: { type: 'integer' },
          id: { type: 'integer' },
          label: { type: ['null', 'string'] },
          amount: { type: ['null', 'number'] },
          at: { type: ['null', 'string'], format: 'date-time', airbyte_type: 'timestamp_with_timezone' },
          flag: { type: ['null', 'boolean'] },
        },
      },
    })),
  });
}

describe('CDC into destination-s3 Incremental | Append, through the worker', () => {
  // Parquet keeps numeric(20, 4) as DECIMAL(20, 4): both sides render the same four decimals.
  const sourceSum = (t: Table) => `SELECT count(*)::int AS n, md5(coalesce(string_agg(concat_ws('|', tenant, id, coalesce(label, '∅'), coalesce(amount::text, '∅'),
      coalesce(to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US'), '∅'), coalesce(flag::text, '∅')), E'\\n' ORDER BY ${t.key.join(', ')}), '')) AS sum FROM ${t.name}`;
  // The newest version of each key by LSN (then emission), deletes dropped.
  const lakeSum = (t: Table) => `WITH latest AS (
      SELECT *, row_number() OVER (PARTITION BY ${t.key.join(', ')} ORDER BY _ab_cdc_lsn DESC, _airbyte_emitted_at DESC) AS rn FROM lake)
    SELECT count(*)::INT AS n, md5(coalesce(string_agg(concat_ws('|', tenant, id, coalesce(label, '∅'), coalesce(amount::VARCHAR, '∅'),
      coalesce(strftime("at", '%Y-%m-%d %H:%M:%S.%f'), '∅'), coalesce(flag::VARCHAR, '∅')), chr(10) ORDER BY ${t.key.join(', ')}), '')) AS sum
    FROM latest WHERE rn = 1 AND _ab_cdc_deleted_at IS NULL`;

  it('under a concurrent writer, the lake read back deduplicated by key and LSN equals each source table', async () => {
    const tables: Table[] = [
      { name: 's3_accounts', key: ['id'] },
      { name: 's3_ledger', key: ['tenant', 'id'] },
    ];
    await createTables(tables, 2_000);
    const { connectionId } = await cdcConnection(tables, 'p2s3_slot', 'cdc-lake');
    const watch = watchSlot('p2s3_slot', connectionId);
    let syncs = 0;
    const writer = startWriter(tables, 2_001, () => syncs >= 3, 1_500, 4);
    let writing = true;
    const finished = writer.done.finally(() => (writing = false));
    while (writing) {
      await syncToEnd(connectionId);
      syncs++;
    }
    const written = await finished;
    await syncToEnd(connectionId);
    const slot = await watch.stop();

    expect(written.deletes).toBeGreaterThan(0);
    for (const t of tables) {
      const [expected] = await source.query(sourceSum(t));
      const [landed] = await lake.query(`cdc-lake/public/${t.name}`, lakeSum(t));
      expect({ table: t.name, ...landed }).toEqual({ table: t.name, ...expected });
    }
    expect(slot.violations).toEqual([]);
  }, 600_000);
});

describe('CDC snapshot into destination-postgres, its worker process SIGKILLed', () => {
  it('mid-snapshot under a concurrent writer: the retry loses nothing; the slot never passes what the destination committed', async () => {
    const tables: Table[] = [
      { name: 'snap_big', key: ['id'] },
      { name: 'snap_pair', key: ['tenant', 'id'] },
    ];
    await createTables(tables, 15_000);
    const { connectionId } = await cdcConnection(tables, 'p2p_snap_slot');
    const watch = watchSlot('p2p_snap_slot', connectionId);
    // Only the doomed worker process can take the job.
    await worker.stop(0);
    const doomed = spawnWorkerProcess({ PLATFORM_DATABASE_URL: platform.databaseUrl, PLATFORM_SECRET_KEY: platform.secretKey, WORKER_ID: 'doomed-worker' });
    const job = await platform.services.jobs.sync(connectionId);
    let stopWriter = false;
    const writer = startWriter(tables, 100_000, () => stopWriter, 2_000, 3);
    const snapshotCheckpointed = async () =>
      (await platform.sql(`SELECT 1 FROM connection_state WHERE connection_id = $1 AND state->>'state_type' = 'ctid'`, [connectionId])).length > 0;
    try {
      await waitFor('a snapshot checkpoint committed', snapshotCheckpointed, 120_000);
      expect((await platform.jobStore.getJob(job.id))?.status, 'the sync ended before it could be killed').toBe('running');
    } finally {
      doomed.kill('SIGKILL');
    }
    await waitFor('the worker process gone', () => !isPidAlive(doomed.pid!), 10_000);
    worker = startLiveWorker();
    expect((await platform.waitForJob(job.id, undefined, 240_000)).status).toBe('succeeded');
    stopWriter = true;
    const written = await writer.done;
    const attempts = await platform.jobStore.attemptsOf([job.id]);
    expect(attempts[0]).toMatchObject({ workerId: 'doomed-worker', status: 'failed' });

    await syncToEnd(connectionId);
    const slot = await watch.stop();
    expect(written.transactions).toBeGreaterThan(0);
    await expectEqualTables(tables);
    expect(slot.violations).toEqual([]);
  }, 600_000);
});

describe('Standard incremental into destination-postgres Incremental | Deduped, through the worker', () => {
  it('updated rows replace their older versions (the newest cursor wins) and new rows are added: each table equals its source', async () => {
    const tables: Table[] = [
      { name: 'std_accounts', key: ['id'] },
      { name: 'std_ledger', key: ['tenant', 'id'] },
    ];
    await createTables(tables, 1_000);
    const { connectionId } = await standardConnection(tables, 'append_dedup');
    await syncToEnd(connectionId);
    await expectEqualTables(tables);
    for (const t of tables) {
      // Updates move the cursor forward; some rows are updated in two syncs, some twice in one.
      await source.sql(`UPDATE ${t.name} SET label = 'first update ' || id, amount = NULL, at = clock_timestamp() WHERE id % 5 = 0;
        UPDATE ${t.name} SET label = 'second update ' || id, flag = NULL, at = clock_timestamp() WHERE id % 10 = 0;
        INSERT INTO ${t.name} SELECT g % 3, g, 'late ' || g, g, clock_timestamp(), true FROM generate_series(1001, 1100) g;`);
    }
    await syncToEnd(connectionId);
    await expectEqualTables(tables);
    for (const t of tables) await source.sql(`UPDATE ${t.name} SET label = 'third update', at = clock_timestamp() WHERE id % 20 = 0 OR id > 1090`);
    await syncToEnd(connectionId);
    await expectEqualTables(tables);
    const [{ n }] = await destination(`SELECT count(*)::int AS n FROM _airbyte_raw_std_accounts`);
    // Each version once: the first load, 200 updated + 100 new rows, then 50 + 14 updated rows.
    expect(n).toBe(1_000 + 300 + 64);
  }, 300_000);
});

/** Holds a job whose attempt just failed (so the test can look at the tables), then lets it retry. */
async function failedAttemptHeld(jobId: number): Promise<{ release(): Promise<void> }> {
  await platform.waitForJob(jobId, (j) => j.status === 'incomplete', 120_000);
  await platform.sql(`UPDATE jobs SET run_after = now() + interval '1 hour' WHERE id = $1`, [jobId]);
  return { release: async () => void (await platform.sql(`UPDATE jobs SET run_after = now() WHERE id = $1`, [jobId])) };
}

const stagingTables = () => destination<{ name: string }>(`SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' AND tablename LIKE '\\_airbyte\\_tmp\\_%'`);
const rowCount = async (table: string) => (await destination<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`))[0].n;

describe('a sync SIGKILLed mid-load into destination-postgres', () => {
  const ROWS = 15_000;

  /** Kills the replication child once `loading()` says the load is under way; returns the held job. */
  async function killMidLoad(connectionId: string, loading: () => Promise<boolean>) {
    const job = await platform.services.jobs.sync(connectionId);
    await waitFor('the load under way', loading, 120_000);
    const child = replicationChildOf(process.pid);
    expect(child, 'the sync ended before it could be killed').toBeGreaterThan(0);
    process.kill(child!, 'SIGKILL');
    return { job, held: await failedAttemptHeld(job.id) };
  }

  async function finishes(jobId: number, table: Table) {
    expect((await platform.waitForJob(jobId, undefined, 180_000)).status).toBe('succeeded');
    await expectEqualTables([table]);
    expect(await stagingTables()).toEqual([]);
  }

  it('overwrite: the previous final and raw tables stay whole and readable; the retry replaces them with the source rows', async () => {
    const table: Table = { name: 'load_overwrite', key: ['id'] };
    await createTables([table], ROWS);
    const { connectionId } = await standardConnection([table], 'overwrite');
    await syncToEnd(connectionId);
    const previous = { final: await destination(checksumSql(table)), raw: await rowCount(`_airbyte_raw_${table.name}`) };
    await source.sql(`UPDATE ${table.name} SET label = 'second generation', amount = amount * 2; INSERT INTO ${table.name} SELECT 1, g, 'new', g, now(), false FROM generate_series(${ROWS + 1}, ${ROWS + 5_000}) g`);

    const staged = async () => {
      for (const { name } of await stagingTables()) if ((await rowCount(`"${name}"`)) > 0) return true;
      return false;
    };
    const { job, held } = await killMidLoad(connectionId, staged);
    expect(await destination(checksumSql(table))).toEqual(previous.final);
    expect(await rowCount(`_airbyte_raw_${table.name}`)).toBe(previous.raw);
    await held.release();
    await finishes(job.id, table);
    expect(await rowCount(`_airbyte_raw_${table.name}`)).toBe(ROWS + 5_000);
  }, 300_000);

  it('append_dedup: the previous final table stays whole and readable while raw rows pile up; the retry deduplicates to the source rows', async () => {
    const table: Table = { name: 'load_dedup', key: ['tenant', 'id'] };
    await createTables([table], ROWS);
    const { connectionId } = await standardConnection([table], 'append_dedup');
    await syncToEnd(connectionId);
    const previous = { final: await destination(checksumSql(table)), raw: await rowCount(`_airbyte_raw_${table.name}`) };
    // Every row gets a newer version: the next sync loads all of them again.
    await source.sql(`UPDATE ${table.name} SET label = 'second generation', amount = amount * 2, at = clock_timestamp()`);

    // Killed once the platform has saved a state of this sync: the destination committed (and acknowledged) part of the load.
    const states = async () => JSON.stringify(await platform.sql('SELECT state FROM connection_state WHERE connection_id = $1 ORDER BY stream_name', [connectionId]));
    const before = await states();
    const { job, held } = await killMidLoad(connectionId, async () => (await states()) !== before);
    expect(await destination(checksumSql(table))).toEqual(previous.final);
    expect(await rowCount(`_airbyte_raw_${table.name}`)).toBeGreaterThan(previous.raw);
    await held.release();
    await finishes(job.id, table);
  }, 300_000);
});
