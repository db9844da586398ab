// Behaviour beyond the shared contract: failure messages, type mapping, exact checkpoints for
// incremental ties and ctid ranges, and a read failing mid-stream through the CLI.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AirbyteStateMessage, AirbyteStream, ConfiguredAirbyteCatalog } from '@platform/protocol';
import type { ConnectorContext } from '../framework/connector';
import { collectOutput, expectUserMessage, latestStates, loadFixtures, runConnectorProcess } from '../testing/index';
import type { PostgresSourceConfig } from './config';
import { sourcePostgres } from './index';
import { readPostgres } from './read';
import { FIXTURES_DIR, startFixturePostgres, type FixturePostgres } from './test/postgres-fixture';

const SLOW = 120_000;
const logs: string[] = [];
const ctx: ConnectorContext = { log: (level, message) => logs.push(`${level} ${message}`) };

let db: FixturePostgres;
let config: PostgresSourceConfig;

beforeAll(async () => {
  db = await startFixturePostgres();
  config = (await loadFixtures<PostgresSourceConfig>(FIXTURES_DIR, db.vars)).config;
  await db.sql(`
    CREATE TABLE public.events (id int PRIMARY KEY, happened_at timestamptz, note text);
    INSERT INTO public.events VALUES
      (1, '2024-05-01 10:00:00+00', 'a'), (2, '2024-05-02 10:00:00+00', 'b'), (3, '2024-05-02 10:00:00+00', 'c'),
      (4, '2024-05-02 10:00:00+00', 'd'), (5, '2024-05-02 10:00:00+00', 'e'), (6, '2024-05-03 10:00:00+00', 'f'),
      (7, NULL, 'no cursor');
    CREATE TABLE public.wide AS SELECT g AS id, repeat('x', 200) AS padding FROM generate_series(1, 2000) AS g;
    CREATE VIEW public.flaky AS SELECT id, 100 / (5 - id) AS ratio FROM generate_series(1, 8) AS id;
    CREATE TABLE public.ancient (id int PRIMARY KEY, at timestamptz, local_at timestamp);
    INSERT INTO public.ancient VALUES (1, '0044-03-15 10:00:00+00 BC', '0044-03-15 10:00:00 BC'), (2, '0044-03-15 10:00:00.5+00 BC', '0001-12-31 23:00:00 BC'),
      (3, '0001-01-01 00:00:00+00', '0001-01-01 00:00:00');
    ANALYZE;
  `);
}, SLOW);

afterAll(async () => {
  await db?.stop();
}, SLOW);

async function discovered(name: string): Promise<AirbyteStream> {
  const catalog = await sourcePostgres.discover(config, ctx);
  return catalog.streams.find((s) => s.name === name)!;
}

async function configured(name: string, sync: { cursor?: string } = {}): Promise<ConfiguredAirbyteCatalog> {
  const stream = await discovered(name);
  return {
    streams: [
      sync.cursor
        ? { stream, sync_mode: 'incremental', cursor_field: [sync.cursor], destination_sync_mode: 'append' }
        : { stream, sync_mode: 'full_refresh', destination_sync_mode: 'overwrite' },
    ],
  };
}

const idsOf = (records: Array<{ data: Record<string, unknown> }>) => records.map((r) => r.data.id as number).sort((a, b) => a - b);
const streamStates = (states: AirbyteStateMessage[]) => states.map((s) => s.stream!.stream_state as Record<string, unknown>);

describe('check names the cause of a failure', () => {
  it.each([
    ['an unreachable port', () => ({ ...config, host: '127.0.0.1', port: 1 }), 'Could not connect to 127.0.0.1:1: connection refused. Check host and port.'],
    ['a wrong password', () => ({ ...config, password: 'wrong-password-123' }), 'Authentication failed for user "postgres": incorrect username or password.'],
    ['a missing database', () => ({ ...config, database: 'no_such_db' }), 'Database "no_such_db" does not exist'],
    ['a missing schema', () => ({ ...config, schemas: ['public', 'nope'] }), 'Schema "nope" does not exist in database "source_db"'],
    ['a port that is not a number', () => ({ ...config, port: 'abc' }), 'port must be integer'],
    ['a missing host', () => ({ ...config, host: undefined }), 'host is required'],
    ['SSL required by a server without SSL', () => ({ ...config, ssl_mode: { mode: 'require' } }), 'does not accept SSL connections'],
  ])('%s', async (_, makeConfig, expected) => {
    const status = await sourcePostgres.check(makeConfig() as unknown as PostgresSourceConfig, ctx);
    expect(status.status).toBe('FAILED');
    expect(status.message).toContain(expected);
    expectUserMessage(status.message);
    expect(status.message).not.toContain('wrong-password-123');
  }, SLOW);

  it('CDC on a server without wal_level=logical names the setting to change', async () => {
    const cdc = { ...config, replication_method: { method: 'CDC', replication_slot: 'some_slot', publication: 'some_pub' } } as PostgresSourceConfig;
    const status = await sourcePostgres.check(cdc, ctx);
    expect(status.status).toBe('FAILED');
    expect(status.message).toContain('wal_level is "replica"; CDC needs "logical". Run ALTER SYSTEM SET wal_level = logical; and restart Postgres.');
    expectUserMessage(status.message);
  }, SLOW);

  it('ssl_mode prefer falls back to plain against a server without SSL', async () => {
    expect(await sourcePostgres.check({ ...config, ssl_mode: { mode: 'prefer' } }, ctx)).toEqual({ status: 'SUCCEEDED' });
  });

  it('a read against an unreachable host fails as transient_error', async () => {
    const output = await collectOutput(sourcePostgres.read({ ...config, port: 1 }, await configured('orders'), undefined, ctx));
    expect(output.thrown).toMatchObject({ failureType: 'transient_error', message: expect.stringContaining('connection refused') });
  });
});

describe('discover', () => {
  it('lists tables and views of the configured schemas only, with primary keys', async () => {
    const catalog = await sourcePostgres.discover(config, ctx);
    const names = catalog.streams.map((s) => `${s.namespace}.${s.name}`);
    expect(names).toEqual(expect.arrayContaining(['public.customers', 'public.orders', 'public.active_customers']));
    expect(names).not.toContain('internal.secrets');
    const customers = catalog.streams.find((s) => s.name === 'customers')!;
    expect(customers).toMatchObject({ source_defined_primary_key: [['id']], supported_sync_modes: ['full_refresh', 'incremental'], default_cursor_field: [] });
    expect(catalog.streams.find((s) => s.name === 'active_customers')).toMatchObject({ source_defined_primary_key: [], is_resumable: false });
  });

  it('reads every user schema when the schema list is empty', async () => {
    const names = (await sourcePostgres.discover({ ...config, schemas: [] }, ctx)).streams.map((s) => `${s.namespace}.${s.name}`);
    expect(names).toEqual(expect.arrayContaining(['public.customers', 'internal.secrets']));
    expect(names.some((n) => n.startsWith('pg_') || n.startsWith('information_schema.'))).toBe(false);
  });

  it('maps column types to nullable JSON schema types, keeping numeric precision', async () => {
    const { properties } = (await discovered('customers')).json_schema as { properties: Record<string, unknown> };
    expect(properties).toEqual({
      id: { type: ['null', 'integer'] },
      name: { type: ['null', 'string'] },
      nickname: { type: ['null', 'string'] },
      balance: { type: ['null', 'number'], airbyte_type: 'big_number', precision: 38, scale: 9 },
      // The keys of the sampled rows' objects, each with the JSON type its values had.
      contact: {
        type: ['null', 'object'],
        properties: { addresses: { type: ['null', 'array'] }, email: { type: ['null', 'string'] }, phone: { type: ['null', 'object'] } },
      },
      tags: { type: ['null', 'array'], items: { type: ['null', 'string'] } },
      updated_at: { type: ['null', 'string'], format: 'date-time', airbyte_type: 'timestamp_with_timezone' },
      signed_up_local: { type: ['null', 'string'], format: 'date-time', airbyte_type: 'timestamp_without_timezone' },
      avatar: { type: ['null', 'string'], contentEncoding: 'base64' },
      birthday: { type: ['null', 'string'], format: 'date' },
      active: { type: ['null', 'boolean'] },
      score: { type: ['null', 'number'] },
    });
  });
});

describe('incremental reads', () => {
  const read = (state: AirbyteStateMessage[] | undefined, chunkRows: number) =>
    collectOutput(readPostgres(config, catalogPromise, state, ctx, { chunkRows, chunkBytes: 1 << 30 }));
  let catalogPromise: ConfiguredAirbyteCatalog;
  beforeAll(async () => {
    catalogPromise = await configured('events', { cursor: 'happened_at' });
  });

  it('never ends a checkpoint inside a run of equal cursor values, and counts the run exactly', async () => {
    const first = await read(undefined, 2);
    expect(idsOf(first.records)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(streamStates(first.states).map((s) => [s.cursor, s.cursor_record_count])).toEqual([
      ['2024-05-02T10:00:00Z', 4],
      ['2024-05-03T10:00:00Z', 1],
    ]);
    expect(first.states.map((s) => s.sourceStats?.recordCount)).toEqual([6, 1]);
  });

  it('resuming from each checkpoint returns exactly the rows after it', async () => {
    const first = await read(undefined, 2);
    const [afterTies] = first.states;
    expect(idsOf((await read([afterTies], 2)).records)).toEqual([6]);
    const end = await read(latestStates(first.states), 2);
    expect(end.records).toEqual([]);
    expect(end.states).toHaveLength(1);
  });

  it('a state that stops inside a run of equal cursor values resumes with the rest of the run, no loss, no duplicates', async () => {
    // As Airbyte's Java source writes it after emitting 2 of the 4 rows at 2024-05-02 (ids 2 and 3 in key order).
    const partial: AirbyteStateMessage = {
      type: 'STREAM',
      stream: {
        stream_descriptor: { name: 'events', namespace: 'public' },
        stream_state: { state_type: 'cursor_based', version: 2, cursor_field: ['happened_at'], cursor: '2024-05-02T10:00:00.000000Z', cursor_record_count: 2 },
      },
    };
    const resumed = await read([partial], 2);
    expect(idsOf(resumed.records)).toEqual([4, 5, 6]);
    expect(streamStates(resumed.states).at(-1)).toMatchObject({ cursor: '2024-05-03T10:00:00Z', cursor_record_count: 1 });
  });

  it('a state for another cursor field starts the stream over', async () => {
    const other: AirbyteStateMessage = {
      type: 'STREAM',
      stream: { stream_descriptor: { name: 'events', namespace: 'public' }, stream_state: { state_type: 'cursor_based', cursor_field: ['id'], cursor: '6', cursor_record_count: 1 } },
    };
    expect(idsOf((await read([other], 100)).records)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(logs.some((l) => l.includes('cursor of public.events changed'))).toBe(true);
  });
});

describe('BC timestamps', () => {
  it("are records in Airbyte's BC notation, and cursors that resume exactly after them", async () => {
    for (const cursor of ['at', 'local_at']) {
      const catalog = await configured('ancient', { cursor });
      const read = (state?: AirbyteStateMessage[]) => collectOutput(readPostgres(config, catalog, state, ctx, { chunkRows: 1, chunkBytes: 1 << 30 }));
      const first = await read();
      expect(first.records.map((r) => [r.data.at, r.data.local_at])).toEqual([
        ['0044-03-15T10:00:00Z BC', '0044-03-15T10:00:00 BC'],
        ['0044-03-15T10:00:00.5Z BC', '0001-12-31T23:00:00 BC'],
        ['0001-01-01T00:00:00Z', '0001-01-01T00:00:00'],
      ]);
      const [afterFirst] = first.states;
      expect(idsOf((await read([afterFirst])).records)).toEqual([2, 3]);
    }
  });
});

describe("values whatever the role's output settings", () => {
  it('reads the same text as under the defaults: the session fixes every output setting', async () => {
    await db.sql(`
      CREATE TABLE public.rendered (id int PRIMARY KEY, at timestamptz, day date, ratio float8, span interval, blobs bytea[]);
      INSERT INTO public.rendered VALUES (1, '2024-01-02 03:04:05.123456+00', '2024-01-02', 0.1, '1 day 02:03:04', ARRAY['\\x00ff'::bytea]);
      CREATE ROLE odd_settings LOGIN PASSWORD 'odd';
      GRANT SELECT ON public.rendered TO odd_settings;
      ALTER ROLE odd_settings SET TimeZone = 'Asia/Kolkata';
      ALTER ROLE odd_settings SET DateStyle = 'SQL, DMY';
      ALTER ROLE odd_settings SET IntervalStyle = 'sql_standard';
      ALTER ROLE odd_settings SET extra_float_digits = -3;
      ALTER ROLE odd_settings SET bytea_output = 'escape';
    `);
    const catalog = await configured('rendered');
    const records = async (c: PostgresSourceConfig) => (await collectOutput(sourcePostgres.read(c, catalog, undefined, ctx))).records.map((r) => r.data);
    const expected = [{ id: 1, at: '2024-01-02T03:04:05.123456Z', day: '2024-01-02', ratio: 0.1, span: '1 day 02:03:04', blobs: ['\\x00ff'] }];
    expect(await records(config)).toEqual(expected);
    expect(await records({ ...config, username: 'odd_settings', password: 'odd' })).toEqual(expected);
  });
});

describe('full refresh in ctid ranges', () => {
  const read = async (state: AirbyteStateMessage[] | undefined) =>
    collectOutput(readPostgres(config, await configured('wide'), state, ctx, { chunkRows: 500, chunkBytes: 1 << 30 }));

  it('checkpoints each range and resumes after the last one without loss or duplicates', async () => {
    const all = await read(undefined);
    expect(idsOf(all.records)).toEqual(Array.from({ length: 2000 }, (_, i) => i + 1));
    const ctids = streamStates(all.states).slice(0, -1);
    expect(ctids.length).toBeGreaterThanOrEqual(3);
    expect(ctids.every((s) => s.state_type === 'ctid' && /^\(\d+,0\)$/.test(s.ctid as string))).toBe(true);
    expect(streamStates(all.states).at(-1)).toEqual({ __ab_full_refresh_sync_complete: true });
    expect(all.traces.find((t) => t.type === 'ESTIMATE')?.estimate).toMatchObject({ name: 'wide', row_estimate: 2000 });

    const emittedBefore = all.states[0].sourceStats!.recordCount!;
    const rest = await read([all.states[0]]);
    expect(idsOf([...all.records.slice(0, emittedBefore), ...rest.records])).toEqual(idsOf(all.records));
  });

  it('starts over when the table was rewritten since the checkpoint', async () => {
    const all = await read(undefined);
    await db.sql('VACUUM FULL public.wide');
    const rest = await read([all.states[0]]);
    expect(rest.records).toHaveLength(2000);
    expect(logs.some((l) => l.includes('public.wide was rewritten'))).toBe(true);
  });
});

describe('a read failing mid-stream through the CLI', () => {
  it('emits what it read, then an error TRACE, and exits 1', async () => {
    const result = await runConnectorProcess('source-postgres', 'read', {
      config,
      catalog: await configured('flaky', { cursor: 'id' }),
      env: { SOURCE_POSTGRES_CHUNK_ROWS: '2' },
    });
    expect(result.exitCode).toBe(1);
    expect(idsOf(result.records)).toEqual([1, 2, 3, 4]);
    expect(streamStates(result.states).map((s) => s.cursor)).toEqual(['2', '4']);
    expect(result.errors).toEqual([
      expect.objectContaining({ failure_type: 'system_error', message: 'Postgres error while reading public.flaky: division by zero' }),
    ]);
    expect(result.traces.filter((t) => t.type === 'STREAM_STATUS').map((t) => t.stream_status!.status)).toEqual(['STARTED', 'INCOMPLETE']);
    expect(result.strayLines).toEqual([]);
  }, SLOW);
});
