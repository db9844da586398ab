// Behaviour beyond the shared contract, on a real embedded Postgres: source-postgres → here with
// Basic normalization compared row by row with the source; casts that fail; overwrite that fails
// mid-load; deduplication; hostile identifiers.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AirbyteMessage, ConfiguredAirbyteCatalog, ConfiguredAirbyteStream, DestinationSyncMode, JsonSchema } from '@platform/protocol';
import { streamStateMessage } from '@platform/protocol';
import type { SourceOutput } from '../framework/batches';
import type { DestinationContext } from '../framework/connector';
import { readPostgres } from '../source-postgres/read';
import { sourcePostgres, type PostgresSourceConfig } from '../source-postgres/index';
import { csvFileBatch, loadFixtures, recordBatch } from '../testing/index';
import { quoteIdentifier as q } from './identifiers';
import { createDestinationPostgres, destinationPostgres, type PostgresDestinationConfig } from './index';
import { FIXTURES_DIR, startDestinationPostgres, type DestinationPostgres } from './test/postgres-fixture';

const SLOW = 180_000;
const ctx: DestinationContext = { log: () => {} };
const SOURCE_DB = 'source_db';

let db: DestinationPostgres;
let config: PostgresDestinationConfig;
let sourceConfig: PostgresSourceConfig;

async function sourceSql<R extends pg.QueryResultRow = Record<string, unknown>>(text: string): Promise<R[]> {
  const client = new pg.Client({ connectionString: db.service.connectionUrl(SOURCE_DB) });
  await client.connect();
  try {
    await client.query("SET TimeZone = 'UTC'");
    return (await client.query<R>(text)).rows;
  } finally {
    await client.end();
  }
}

const rows = async <R extends pg.QueryResultRow = Record<string, unknown>>(text: string) => (await db.sql<R>(text)).rows;

beforeAll(async () => {
  db = await startDestinationPostgres();
  config = (await loadFixtures<PostgresDestinationConfig>(FIXTURES_DIR, db.vars)).config;
  await db.service.createDatabase(SOURCE_DB);
  sourceConfig = { host: db.vars.HOST, port: db.vars.PORT, database: SOURCE_DB, username: db.vars.USERNAME, password: db.vars.PASSWORD, schemas: ['public'], ssl_mode: { mode: 'disable' } };
  await sourceSql(`
    CREATE TABLE public.customers (
      id bigint PRIMARY KEY, name text, balance numeric(38, 9), ratio float8, updated_at timestamptz, local_at timestamp, born date,
      active boolean, contact jsonb, addresses jsonb, tags text[]
    );
    INSERT INTO public.customers VALUES
      (1, 'Acme Corp', 12345678901234567890123456789.123456789, 0.1, '2025-10-16 10:00:00.123456+02', '2025-10-16 10:00:00.5', '1990-02-03', true,
       '{"email": "info@acme.com", "phone": "+1234567890"}', '[{"type": "billing", "city": "New York"}, {"type": "shipping", "city": "Boston"}]', ARRAY['vip', 'b2b']),
      (2, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, '[]', NULL),
      (3, 'Zoë "Ærø" \\ 🦆', -0.000000001, -1.5e300, '0044-03-15 10:00:00+00 BC', '1970-01-01 00:00:00', '0001-01-01', false,
       '{"email": null, "phone": "+45 1234"}', '[{"type": "billing", "city": "Lyon", "zip": 69001}]', ARRAY['a,b', NULL]);
    INSERT INTO public.customers
      SELECT i, 'customer ' || i, i * 1.000000001, i / 7.0, timestamptz '2024-01-01 00:00:00+00' + i * interval '1.5 second', NULL, NULL, i % 2 = 0,
        jsonb_build_object('email', 'c' || i || '@example.com', 'phone', NULL), jsonb_build_array(jsonb_build_object('type', 'billing', 'city', 'City ' || i)), ARRAY['t' || (i % 3)]
      FROM generate_series(4, 500) AS i;
    ANALYZE public.customers;
  `);
}, SLOW);

afterAll(async () => {
  await db?.stop();
}, SLOW);

async function drain(output: AsyncIterable<AirbyteMessage>): Promise<AirbyteMessage[]> {
  const out: AirbyteMessage[] = [];
  for await (const m of output) out.push(m);
  return out;
}

async function syncCustomers(mode: DestinationSyncMode): Promise<AirbyteMessage[]> {
  const stream = (await sourcePostgres.discover(sourceConfig, ctx)).streams.find((s) => s.name === 'customers')!;
  const catalog: ConfiguredAirbyteCatalog = { streams: [{ stream, sync_mode: 'full_refresh', destination_sync_mode: mode, primary_key: [['id']] }] };
  // Small chunks: many COPY batches and STATEs.
  return drain(destinationPostgres.write(config, catalog, readPostgres(sourceConfig, catalog, undefined, ctx, { chunkRows: 64, chunkBytes: 1 << 30 }), ctx));
}

describe('check', () => {
  it('names the cause: a wrong password (never shown), a missing database', async () => {
    const wrong = await destinationPostgres.check({ ...config, password: 'CANARY-wrong-password' }, ctx);
    expect(wrong).toEqual({ status: 'FAILED', message: `Authentication failed for user "${config.username}": incorrect username or password.` });
    const missing = await destinationPostgres.check({ ...config, database: 'no_such_db' }, ctx);
    expect(missing.status).toBe('FAILED');
    expect(missing.message).toContain('Database "no_such_db" does not exist');
  });

  it('creates the default schema when it is missing, as a sync would', async () => {
    expect(await destinationPostgres.check({ ...config, schema: 'made by check' }, ctx)).toEqual({ status: 'SUCCEEDED' });
    expect(await rows(`SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'made by check'`)).toEqual([{ n: 0 }]);
  });
});

describe('Postgres → Postgres with Basic normalization', () => {
  beforeAll(async () => {
    await syncCustomers('overwrite');
  }, SLOW);

  it('the raw table holds every record as jsonb, readable with _airbyte_data->>', async () => {
    const columns = await rows<{ column_name: string; data_type: string }>(
      `SELECT column_name, data_type FROM information_schema.columns WHERE table_name = '_airbyte_raw_customers' ORDER BY ordinal_position`,
    );
    expect(columns).toEqual([
      { column_name: '_airbyte_ab_id', data_type: 'uuid' },
      { column_name: '_airbyte_emitted_at', data_type: 'timestamp with time zone' },
      { column_name: '_airbyte_data', data_type: 'jsonb' },
    ]);
    const raw = await rows<{ id: string; name: string | null }>(`SELECT (_airbyte_data->>'id') AS id, _airbyte_data->>'name' AS name FROM _airbyte_raw_customers ORDER BY (_airbyte_data->>'id')::int`);
    const source = await sourceSql<{ id: string; name: string | null }>(`SELECT id::text AS id, name FROM customers ORDER BY customers.id`);
    expect(raw).toEqual(source);
  });

  it('the final table equals the source row by row, types kept (numeric precision, time zones)', async () => {
    const columns = Object.fromEntries(
      (await rows<{ column_name: string; data_type: string }>(`SELECT attname AS column_name, format_type(atttypid, atttypmod) AS data_type FROM pg_attribute WHERE attrelid = 'public.customers'::regclass AND attnum > 0 AND NOT attisdropped`)).map((r) => [r.column_name, r.data_type]),
    );
    expect(columns).toMatchObject({
      id: 'bigint',
      name: 'text',
      balance: 'numeric(38,9)',
      ratio: 'numeric',
      updated_at: 'timestamp with time zone',
      local_at: 'timestamp without time zone',
      born: 'date',
      active: 'boolean',
      contact: 'jsonb',
      contact_email: 'text',
      contact_phone: 'text',
      addresses: 'jsonb',
      tags: 'jsonb',
      _airbyte_ab_id: 'uuid',
      _airbyte_emitted_at: 'timestamp with time zone',
      _airbyte_normalized_at: 'timestamp with time zone',
      _airbyte_customers_hashid: 'text',
      _airbyte_meta: 'jsonb',
    });
    const render = `id::text, name, balance::text, updated_at::text, local_at::text, born::text, active::text`;
    const destination = await rows(`SELECT ${render}, ratio::float8::text AS ratio, contact_email, contact_phone, contact::text, addresses::text, tags::text FROM customers ORDER BY customers.id`);
    const source = await sourceSql(
      `SELECT ${render}, ratio::text AS ratio, contact->>'email' AS contact_email, contact->>'phone' AS contact_phone, contact::text, addresses::text, to_jsonb(tags)::text AS tags FROM customers ORDER BY customers.id`,
    );
    expect(destination).toHaveLength(500);
    expect(destination).toEqual(source);
    expect(await rows(`SELECT count(*)::int AS n FROM customers WHERE _airbyte_meta <> '{"changes": []}'`)).toEqual([{ n: 0 }]);
  });

  it('arrays of objects become a child table keyed by the parent hashid, arrays of scalars a data column', async () => {
    const addresses = await rows(
      `SELECT c.id::text, a.type, a.city, a.zip::text FROM customers_addresses a JOIN customers c ON c._airbyte_customers_hashid = a._airbyte_customers_hashid ORDER BY c.id, a._airbyte_emitted_at, a.type, a.city`,
    );
    const source = await sourceSql(
      `SELECT c.id::text, e->>'type' AS type, e->>'city' AS city, e->>'zip' AS zip FROM customers c, jsonb_array_elements(c.addresses) e ORDER BY c.id, 2, 3`,
    );
    expect(addresses).toEqual(source);
    const tags = await rows(`SELECT c.id::text, t.data FROM customers_tags t JOIN customers c USING (_airbyte_customers_hashid) ORDER BY c.id, t._airbyte_customers_tags_hashid`);
    expect(tags.length).toBe((await sourceSql(`SELECT count(*)::int AS n FROM customers, unnest(tags)`))[0].n);
    expect(tags.filter((t) => t.id === '3').map((t) => t.data).sort()).toEqual(['a,b', null].sort());
  });
});

describe('hostile values, Postgres → Postgres', () => {
  it('land in typed columns equal to the source, value by value', async () => {
    await sourceSql(`
      CREATE TABLE public.hostile (id int PRIMARY KEY, t text, n numeric, f float8, r real, ts timestamptz, lts timestamp, d date, tm time, doc jsonb);
      INSERT INTO public.hostile VALUES
        (1, '', 'NaN', 'NaN', 'NaN', 'infinity', '-infinity', 'infinity', '00:00:00', '{"n": 12345678901234567890.123456789, "s": "a\\\\b"}'),
        (2, NULL, 'Infinity', 'Infinity', '-Infinity', '0044-03-15 10:00:00+00 BC', '0001-12-31 23:00:00 BC', '4713-01-01 BC', '23:59:59.999999', '{"n": -1e-30, "s": null}'),
        (3, E'\\N', '-Infinity', 1.7976931348623157e308, 3.4028234e38, '2025-10-16 10:00:00.123456+05:30', '2025-10-16 10:00:00.654321', '2025-10-16', '12:34:56', '{"n": 0, "s": "\\u00e9 🦆"}'),
        (4, E'tab\\there\\nnew \\\\ "q" ''s'' 🦆 東京', 99999999999999999999999999999999999999.999999999999999999, 5e-324, 1.4e-45, NULL, NULL, NULL, NULL, ('{"n": 1, "s": "' || repeat('x', 100000) || '"}')::jsonb),
        (5, 'NULL', 0.000000000000000000000000000001, -0.5, -0.5, '1970-01-01 00:00:00+00', '1970-01-01 00:00:00', '1970-01-01', '00:00:00.5', NULL);
      ANALYZE public.hostile;
    `);
    const stream = (await sourcePostgres.discover(sourceConfig, ctx)).streams.find((s) => s.name === 'hostile')!;
    const catalog: ConfiguredAirbyteCatalog = { streams: [{ stream, sync_mode: 'full_refresh', destination_sync_mode: 'overwrite' }] };
    await drain(destinationPostgres.write(config, catalog, readPostgres(sourceConfig, catalog, undefined, ctx, { chunkRows: 2, chunkBytes: 1 << 30 }), ctx));
    const render = 'id::text, t, n::text, f::float8::text AS f, r::real::text AS r, ts::text, lts::text, d::text, tm::text, doc::text';
    const destination = await rows(`SELECT ${render}, doc_n::text AS doc_n, doc_s, _airbyte_meta FROM hostile ORDER BY hostile.id`);
    const source = await sourceSql(`SELECT ${render}, (doc->>'n')::numeric::text AS doc_n, doc->>'s' AS doc_s, '{"changes": []}'::jsonb AS _airbyte_meta FROM hostile ORDER BY hostile.id`);
    expect(destination).toEqual(source);
  });
});

const catalogOf = (name: string, properties: Record<string, JsonSchema>, mode: DestinationSyncMode, extra: Partial<ConfiguredAirbyteStream> = {}): ConfiguredAirbyteCatalog => ({
  streams: [
    {
      stream: { name, namespace: 'public', json_schema: { type: 'object', properties }, supported_sync_modes: ['full_refresh', 'incremental'] },
      sync_mode: 'full_refresh',
      destination_sync_mode: mode,
      ...extra,
    },
  ],
});

const inputOf = (items: SourceOutput[]) => (async function* () { yield* items; })();

describe('a value that cannot be cast', () => {
  it('becomes NULL with the reason in _airbyte_meta.changes, and the sync succeeds', async () => {
    const catalog = catalogOf('casts', { id: { type: 'integer' }, amount: { type: 'number' }, at: { type: 'string', format: 'date-time' }, ok: { type: 'boolean' } }, 'overwrite');
    const d = { stream: 'casts', namespace: 'public' };
    const state = streamStateMessage({ name: 'casts', namespace: 'public' }, { n: 1 });
    await drain(
      destinationPostgres.write(config, catalog, inputOf([recordBatch(d, [{ id: 1, amount: '12.50', at: '2025-01-01T00:00:00+03:00', ok: true }, { id: 'one', amount: 'lots', at: 'yesterday-ish', ok: 'maybe' }]), state]), ctx),
    );
    expect(await rows(`SELECT id::text, amount::text, at::text, ok, _airbyte_meta FROM casts ORDER BY id NULLS LAST`)).toEqual([
      { id: '1', amount: '12.50', at: '2024-12-31 21:00:00+00', ok: true, _airbyte_meta: { changes: [] } },
      {
        id: null,
        amount: null,
        at: null,
        ok: null,
        _airbyte_meta: {
          changes: ['id', 'amount', 'at', 'ok'].map((field) => ({ field, change: 'NULLED', reason: 'DESTINATION_TYPECAST_ERROR' })),
        },
      },
    ]);
    // The raw table keeps the value as it came.
    expect(await rows(`SELECT _airbyte_data->>'id' AS id FROM _airbyte_raw_casts ORDER BY 1`)).toEqual([{ id: '1' }, { id: 'one' }]);
  });
});

describe('CSV chunks', () => {
  it('are copied as they are, each value typed by its column schema, however wide the record', async () => {
    const extra = Array.from({ length: 115 }, (_, i) => `extra_${i}`);
    const properties: Record<string, JsonSchema> = {
      id: { type: 'integer' },
      n: { type: ['null', 'number'] },
      b: { type: 'boolean' },
      o: { type: ['null', 'object'] },
      s: { type: ['null', 'string'] },
      ...Object.fromEntries(extra.map((name) => [name, { type: 'string' }])),
    };
    const values: Array<[unknown, unknown, unknown, unknown]> = [
      ['-0', true, { a: 1 }, 'a "quoted",\nmulti-line \\ value'],
      ['NaN', false, [1, 'x'], ''],
      ['12345678901234567890.123456789', null, null, null],
      ['1e-30', true, {}, '🦆'],
      [-1.5, false, { deep: { er: [null] } }, 'NULL'],
    ];
    const records = values.map(([n, b, o, s], id) => ({ id, n, b, o, s, ...Object.fromEntries(extra.map((name) => [name, `${name}=${id}`])) }));
    const d = { stream: 'csv_chunks', namespace: 'public' };
    const catalog = catalogOf('csv_chunks', properties, 'overwrite');
    await drain(destinationPostgres.write({ ...config, normalization: 'none' }, catalog, inputOf([await csvFileBatch(d, records, properties), streamStateMessage({ name: 'csv_chunks', namespace: 'public' }, { n: 1 })]), ctx));
    const raw = await rows<{ n: string; b: string; o: string; s: string; keys: number; last: string }>(
      `SELECT _airbyte_data->'n' AS n, _airbyte_data->'b' AS b, _airbyte_data->'o' AS o, _airbyte_data->'s' AS s,
        (SELECT count(*)::int FROM jsonb_object_keys(_airbyte_data)) AS keys, _airbyte_data->>'extra_114' AS last
      FROM _airbyte_raw_csv_chunks ORDER BY (_airbyte_data->>'id')::int`,
    );
    expect(raw.map((r) => r.keys)).toEqual(records.map(() => 120));
    expect(raw.map((r) => r.last)).toEqual(records.map((_, id) => `extra_114=${id}`));
    expect(raw.map((r) => [r.n, r.b, r.o, r.s])).toEqual([
      ['-0', true, { a: 1 }, 'a "quoted",\nmulti-line \\ value'],
      ['NaN', false, [1, 'x'], ''],
      // jsonb keeps every digit; JavaScript's JSON.parse of the driver's text rounds it, so compare as text below.
      [12345678901234567000, null, null, null],
      [1e-30, true, {}, '🦆'],
      [-1.5, false, { deep: { er: [null] } }, 'NULL'],
    ]);
    expect(await rows(`SELECT _airbyte_data->>'n' AS n FROM _airbyte_raw_csv_chunks WHERE _airbyte_data->>'id' = '2'`)).toEqual([{ n: '12345678901234567890.123456789' }]);
  });
});

describe('values jsonb cannot store', () => {
  it('lose a NUL character and get U+FFFD for an unpaired surrogate, instead of failing the sync', async () => {
    const catalog = catalogOf('odd_text', { id: { type: 'integer' }, v: { type: 'string' } }, 'append');
    const d = { stream: 'odd_text', namespace: 'public' };
    await drain(
      destinationPostgres.write(config, catalog, inputOf([recordBatch(d, [{ id: 1, v: 'a\u0000b' }, { id: 2, v: 'x\ud800y' }, { id: 3, v: 'back\\slash \\u0000 🦆' }]), streamStateMessage({ name: 'odd_text', namespace: 'public' }, { n: 1 })]), ctx),
    );
    expect(await rows(`SELECT id::text, v FROM odd_text ORDER BY odd_text.id`)).toEqual([
      { id: '1', v: 'ab' },
      { id: '2', v: 'x\ufffdy' },
      { id: '3', v: 'back\\slash \\u0000 🦆' },
    ]);
  });
});

describe('overwrite', () => {
  const d = { stream: 'swapped', namespace: 'public' };
  const state = (n: number) => streamStateMessage({ name: 'swapped', namespace: 'public' }, { n });
  const catalog = catalogOf('swapped', { id: { type: 'integer' }, tags: { type: 'array', items: { type: 'string' } } }, 'overwrite');
  const snapshot = async () => ({
    final: await rows(`SELECT id::text FROM swapped ORDER BY id`),
    raw: await rows(`SELECT _airbyte_data::text AS data FROM _airbyte_raw_swapped ORDER BY 1`),
    child: await rows(`SELECT data FROM swapped_tags ORDER BY 1`),
  });

  it('acknowledges its STATEs only once the new tables are in place', async () => {
    const input = inputOf([recordBatch(d, [{ id: 1, tags: ['a'] }, { id: 2, tags: ['b'] }]), state(1), recordBatch(d, [{ id: 3, tags: [] }]), state(2)]);
    const states: unknown[] = [];
    for await (const m of destinationPostgres.write(config, catalog, input, ctx)) {
      if (m.type !== 'STATE') continue;
      states.push(m.state.stream?.stream_state);
      expect((await snapshot()).final).toEqual([{ id: '1' }, { id: '2' }, { id: '3' }]);
    }
    expect(states).toEqual([{ n: 1 }, { n: 2 }]);
  });

  it('that fails mid-load leaves the previous raw, final and child tables as they were, and no staging table', async () => {
    const before = await snapshot();
    const tablesBefore = await rows(`SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1`);
    const failing = (async function* (): AsyncGenerator<SourceOutput> {
      yield recordBatch(d, [{ id: 10, tags: ['x'] }]);
      yield state(3);
      yield await csvFileBatch(d, [{ id: 11, tags: ['y'] }], { id: { type: 'integer' }, tags: { type: 'array' } });
      throw new Error('the source died mid-sync');
    })();
    const acked: AirbyteMessage[] = [];
    await expect(
      (async () => {
        for await (const m of destinationPostgres.write(config, catalog, failing, ctx)) acked.push(m);
      })(),
    ).rejects.toThrow('the source died mid-sync');
    expect(acked).toEqual([]);
    expect(await snapshot()).toEqual(before);
    expect(await rows(`SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1`)).toEqual(tablesBefore);
  });
});

describe('append', () => {
  it('adds each sync to the raw and final tables, normalizing only the new rows', async () => {
    const d = { stream: 'appended', namespace: 'public' };
    const state = streamStateMessage({ name: 'appended', namespace: 'public' }, { n: 1 });
    const catalog = catalogOf('appended', { id: { type: 'integer' }, v: { type: 'string' } }, 'append');
    for (const batch of [[{ id: 1, v: 'a' }], [{ id: 1, v: 'b' }, { id: 2, v: 'c' }]]) {
      await drain(destinationPostgres.write(config, catalog, inputOf([recordBatch(d, batch), state]), ctx));
    }
    expect(await rows(`SELECT id::text, v FROM appended ORDER BY id, v`)).toEqual([{ id: '1', v: 'a' }, { id: '1', v: 'b' }, { id: '2', v: 'c' }]);
    expect(await rows(`SELECT count(DISTINCT _airbyte_ab_id)::int AS n FROM appended`)).toEqual([{ n: 3 }]);
  });
});

describe('append after a failed sync', () => {
  it('keeps what the failed sync acknowledged in the raw table, and normalizes it in the next sync', async () => {
    const d = { stream: 'resumed', namespace: 'public' };
    const state = (n: number) => streamStateMessage({ name: 'resumed', namespace: 'public' }, { n });
    const catalog = catalogOf('resumed', { id: { type: 'integer' } }, 'append');
    await drain(destinationPostgres.write(config, catalog, inputOf([recordBatch(d, [{ id: 1 }]), state(1)]), ctx));
    const acked: AirbyteMessage[] = [];
    const failing = (async function* (): AsyncGenerator<SourceOutput> {
      yield recordBatch(d, [{ id: 2 }]);
      yield state(2);
      yield recordBatch(d, [{ id: 99 }]);
      throw new Error('the source died mid-sync');
    })();
    await expect(
      (async () => {
        for await (const m of destinationPostgres.write(config, catalog, failing, ctx)) acked.push(m);
      })(),
    ).rejects.toThrow('the source died mid-sync');
    // Acknowledged: id 2 is committed. Not acknowledged: id 99 is rolled back.
    expect(acked).toEqual([state(2)]);
    expect(await rows(`SELECT (_airbyte_data->>'id') AS id FROM _airbyte_raw_resumed ORDER BY 1`)).toEqual([{ id: '1' }, { id: '2' }]);
    expect(await rows(`SELECT id::text FROM resumed ORDER BY 1`)).toEqual([{ id: '1' }]);
    await drain(destinationPostgres.write(config, catalog, inputOf([recordBatch(d, [{ id: 3 }]), state(3)]), ctx));
    expect(await rows(`SELECT id::text FROM resumed ORDER BY 1`)).toEqual([{ id: '1' }, { id: '2' }, { id: '3' }]);
  });
});

describe('append after a field changed type upstream', () => {
  it('casts into the column the first sync made, recording what does not fit', async () => {
    const d = { stream: 'retyped', namespace: 'public' };
    const state = streamStateMessage({ name: 'retyped', namespace: 'public' }, { n: 1 });
    await drain(destinationPostgres.write(config, catalogOf('retyped', { id: { type: 'integer' }, v: { type: 'integer' } }, 'append'), inputOf([recordBatch(d, [{ id: 1, v: 10 }]), state]), ctx));
    const changed = catalogOf('retyped', { id: { type: 'integer' }, v: { type: 'object' } }, 'append');
    await drain(destinationPostgres.write(config, changed, inputOf([recordBatch(d, [{ id: 2, v: { deep: 1 } }, { id: 3, v: 30 }]), state]), ctx));
    expect(await rows(`SELECT id::text, v::text, _airbyte_meta->'changes' AS changes FROM retyped ORDER BY retyped.id`)).toEqual([
      { id: '1', v: '10', changes: [] },
      { id: '2', v: null, changes: [{ field: 'v', change: 'NULLED', reason: 'DESTINATION_TYPECAST_ERROR' }] },
      { id: '3', v: '30', changes: [] },
    ]);
  });
});

describe('append_dedup', () => {
  const d = { stream: 'deduped', namespace: 'public' };
  const properties: Record<string, JsonSchema> = {
    id: { type: 'integer' },
    v: { type: ['null', 'string'] },
    updated_at: { type: 'string', format: 'date-time', airbyte_type: 'timestamp_with_timezone' },
    items: { type: 'array', items: { type: 'object', properties: { sku: { type: 'string' } } } },
    _ab_cdc_deleted_at: { type: ['null', 'string'], format: 'date-time' },
  };
  const catalog = catalogOf('deduped', properties, 'append_dedup', { sync_mode: 'incremental', cursor_field: ['updated_at'], primary_key: [['id']] });
  const sync = (batches: Array<Array<Record<string, unknown>>>) =>
    drain(destinationPostgres.write(config, catalog, inputOf(batches.flatMap((b) => [{ ...recordBatch(d, b), emittedAt: Date.now() + batches.indexOf(b) }, streamStateMessage({ name: 'deduped', namespace: 'public' }, { n: 1 })])), ctx));

  it('keeps one row per primary key: the newest cursor, ties to the later emission; a CDC delete removes the key', async () => {
    await sync([[
      { id: 1, v: 'first', updated_at: '2025-01-01T00:00:00Z', items: [{ sku: 'a' }] },
      { id: 2, v: 'two', updated_at: '2025-01-01T00:00:00Z', items: [] },
      { id: 3, v: 'three', updated_at: '2025-01-01T00:00:00Z', items: [{ sku: 'c' }] },
    ]]);
    await sync([
      [
        // Older than what is stored: loses although it arrived later.
        { id: 1, v: 'stale', updated_at: '2024-12-31T23:00:00+00:00', items: [] },
        // Same instant written with an offset: a tie, which the later emission wins.
        { id: 2, v: 'two, tie, earlier', updated_at: '2025-01-01T01:00:00+01:00', items: [{ sku: 'x' }] },
        { id: 3, v: null, updated_at: '2025-01-02T00:00:00Z', _ab_cdc_deleted_at: '2025-01-02T00:00:00Z' },
      ],
      [{ id: 2, v: 'two, tie, later', updated_at: '2025-01-01T00:00:00Z', items: [{ sku: 'y' }, { sku: 'z' }] }],
    ]);
    expect(await rows(`SELECT id::text, v FROM deduped ORDER BY id`)).toEqual([{ id: '1', v: 'first' }, { id: '2', v: 'two, tie, later' }]);
    expect(await rows(`SELECT c.id::text, i.sku FROM deduped_items i JOIN deduped c USING (_airbyte_deduped_hashid) ORDER BY 1, 2`)).toEqual([
      { id: '1', sku: 'a' },
      { id: '2', sku: 'y' },
      { id: '2', sku: 'z' },
    ]);
    // The raw table keeps every version.
    expect(await rows(`SELECT count(*)::int AS n FROM _airbyte_raw_deduped`)).toEqual([{ n: 7 }]);
  });
});

describe('append_dedup after the source dropped a field', () => {
  it('keeps the column with the values the rebuilt rows had for it; new rows leave it NULL', async () => {
    const d = { stream: 'evolving', namespace: 'public' };
    const state = streamStateMessage({ name: 'evolving', namespace: 'public' }, { n: 1 });
    const dedup = (properties: Record<string, JsonSchema>) => catalogOf('evolving', properties, 'append_dedup', { sync_mode: 'incremental', cursor_field: ['n'], primary_key: [['id']] });
    const before = { id: { type: 'integer' }, n: { type: 'integer' }, phone: { type: ['null', 'string'] } } as Record<string, JsonSchema>;
    await drain(destinationPostgres.write(config, dedup(before), inputOf([recordBatch(d, [{ id: 1, n: 1, phone: '+1 555 0100' }, { id: 2, n: 1, phone: null }]), state]), ctx));
    const { phone: _phone, ...after } = before;
    await drain(destinationPostgres.write(config, dedup(after), inputOf([recordBatch(d, [{ id: 2, n: 2 }, { id: 3, n: 2 }]), state]), ctx));
    expect(await rows(`SELECT id::text, n::text, phone FROM evolving ORDER BY id`)).toEqual([
      { id: '1', n: '1', phone: '+1 555 0100' },
      { id: '2', n: '2', phone: null },
      { id: '3', n: '2', phone: null },
    ]);
  });
});

describe('identifiers', () => {
  const long = 'a_very_long_field_name_that_goes_on_and_on_past_sixty_three_bytes_';
  const fields = ['a"b', 'with space', 'dot.ted', 'UPPER', 'upper', 'ünïcødé_東京', 'select', `${long}one`, `${long}two`, '_airbyte_ab_id'];
  const streamName = `Weird "Stream".Name ünï 表 ${'x'.repeat(60)}`;

  it('quotes and cuts every name to 63 bytes without two names meeting', async () => {
    const d = { stream: streamName, namespace: 'Odd Schema' };
    const catalog: ConfiguredAirbyteCatalog = {
      streams: [
        {
          stream: {
            name: streamName,
            namespace: 'Odd Schema',
            json_schema: { type: 'object', properties: { ...Object.fromEntries(fields.map((f) => [f, { type: 'string' }])), nest: { type: 'object', properties: { 'in ner': { type: 'integer' } } }, list: { type: 'array', items: { type: 'integer' } } } },
            supported_sync_modes: ['full_refresh'],
          },
          sync_mode: 'full_refresh',
          destination_sync_mode: 'append',
        },
      ],
    };
    const record = { ...Object.fromEntries(fields.map((f) => [f, `value of ${f}`])), nest: { 'in ner': 7 }, list: [1, 2] };
    await drain(createDestinationPostgres({ recordBufferRows: 1 }).write(config, catalog, inputOf([recordBatch(d, [record]), streamStateMessage({ name: streamName, namespace: 'Odd Schema' }, { n: 1 })]), ctx));
    const tables = await rows<{ tablename: string }>(`SELECT tablename FROM pg_tables WHERE schemaname = 'Odd Schema' ORDER BY 1`);
    expect(tables).toHaveLength(3);
    for (const { tablename } of tables) expect(Buffer.byteLength(tablename)).toBeLessThanOrEqual(63);
    const tableWith = async (column: string) =>
      (await rows<{ table_name: string }>(`SELECT table_name FROM information_schema.columns WHERE table_schema = 'Odd Schema' AND column_name = $1`.replace('$1', `'${column}'`)))[0].table_name;
    const final = await tableWith('UPPER');
    const [row] = await rows<Record<string, unknown>>(`SELECT * FROM ${q('Odd Schema')}.${q(final)}`);
    const columns = Object.keys(row);
    for (const c of columns) expect(Buffer.byteLength(c)).toBeLessThanOrEqual(63);
    expect(new Set(columns).size).toBe(columns.length);
    // Every field's value is in exactly one column, and fields that fit keep their exact name.
    for (const f of fields) expect(Object.values(row).filter((v) => v === `value of ${f}`)).toHaveLength(1);
    for (const f of ['a"b', 'with space', 'dot.ted', 'UPPER', 'upper', 'ünïcødé_東京', 'select']) expect(row[f]).toBe(`value of ${f}`);
    expect(row.nest_in_ner ?? row['nest_in ner']).toBe('7');
    const child = await tableWith('data');
    expect(await rows(`SELECT data::text FROM ${q('Odd Schema')}.${q(child)} ORDER BY 1`)).toEqual([{ data: '1' }, { data: '2' }]);
  });

  it('keeps two namespaces apart whose names share their first 63 bytes', async () => {
    const namespaces = [`${'n'.repeat(70)}_first`, `${'n'.repeat(70)}_second`];
    const catalog: ConfiguredAirbyteCatalog = {
      streams: namespaces.map((namespace) => ({
        stream: { name: 'same', namespace, json_schema: { type: 'object', properties: { id: { type: 'integer' } } }, supported_sync_modes: ['full_refresh'] },
        sync_mode: 'full_refresh',
        destination_sync_mode: 'overwrite',
      })),
    };
    const input = namespaces.flatMap((namespace, i) => [recordBatch({ stream: 'same', namespace }, [{ id: i }]), streamStateMessage({ name: 'same', namespace }, { n: i })]);
    await drain(destinationPostgres.write(config, catalog, inputOf(input), ctx));
    const schemas = (await rows<{ schemaname: string }>(`SELECT DISTINCT schemaname FROM pg_tables WHERE schemaname LIKE 'nnnn%' ORDER BY 1`)).map((r) => r.schemaname);
    expect(schemas).toHaveLength(2);
    const ids = await Promise.all(schemas.map(async (schema) => (await rows(`SELECT id::text FROM ${q(schema)}.same`)).map((r) => r.id)));
    expect(ids.flat().sort()).toEqual(['0', '1']);
  });
});
