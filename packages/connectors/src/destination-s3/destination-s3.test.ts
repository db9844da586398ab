// destination-s3 against a real SeaweedFS S3 server; what landed is read back independently.
import { createServer, connect, type Socket } from 'node:net';
import { mkdtemp } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { freePort } from '@platform/services';
import type { JsonSchema } from '@platform/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SourceOutput } from '../framework/batches';
import type { ConnectorError } from '../framework/errors';
import { expectValidSpec } from '../testing/assertions';
import { createDestinationS3, destinationS3 } from './index';
import { keySegment } from './key-segments';
import { spec } from './spec';
import { ListPartsCommand } from '@aws-sdk/client-s3';
import {
  BUCKET,
  catalogOf,
  configuredStream,
  csvBatch,
  getObject,
  inputOf,
  lakeConfig,
  listKeys,
  queryParquet,
  runWrite,
  startLake,
  stateOf,
  type Lake,
} from './test/lake';

const CUSTOMER_SCHEMA: Record<string, JsonSchema> = {
  id: { type: 'integer' },
  name: { type: ['null', 'string'] },
  balance: { type: ['null', 'number'], airbyte_type: 'big_number', precision: 38, scale: 9 },
  score: { type: ['null', 'number'] },
  active: { type: ['null', 'boolean'] },
  // A jsonb column whose keys the source declared (source-postgres samples them at discover).
  contact: { type: ['null', 'object'], properties: { email: { type: ['null', 'string'] }, phone: { type: ['null', 'string'] }, visits: { type: ['null', 'integer'] } } },
  address: { type: ['null', 'object'], properties: { city: { type: ['null', 'string'] }, geo: { type: 'object', properties: { lat: { type: 'number' } } } } },
  tags: { type: ['null', 'array'], items: { type: 'string' } },
  updated_at: { type: ['null', 'string'], format: 'date-time', airbyte_type: 'timestamp_with_timezone' },
  local_at: { type: ['null', 'string'], format: 'date-time', airbyte_type: 'timestamp_without_timezone' },
  birthday: { type: ['null', 'string'], format: 'date' },
};
const customers = (mode: 'overwrite' | 'append' = 'overwrite') => configuredStream('customers', CUSTOMER_SCHEMA, mode);

const CUSTOMERS_CSV = [
  'id,name,balance,score,active,contact,address,tags,updated_at,local_at,birthday',
  '1,Zoë 🦆,12345678901234567890123456789.123456789,1.5,t,"{""email"": ""a@b.c"", ""phone"": ""+1"", ""visits"": 2}","{""city"": ""Paris"", ""geo"": {""lat"": 48.85}}","[""a"", ""b""]",2024-01-02T03:04:05.123456Z,2024-01-02T03:04:05.123456,2024-01-02',
  '2,,,,,,,,,,',
  '3,"",-0.000000001,,f,{},,[],,,',
].join('\n');

const EXPECTED_COLUMNS = {
  _airbyte_ab_id: 'VARCHAR',
  _airbyte_emitted_at: 'TIMESTAMP WITH TIME ZONE',
  id: 'BIGINT',
  name: 'VARCHAR',
  balance: 'DECIMAL(38,9)',
  score: 'DOUBLE',
  active: 'BOOLEAN',
  contact: 'VARCHAR',
  contact_email: 'VARCHAR',
  contact_phone: 'VARCHAR',
  contact_visits: 'BIGINT',
  address: 'VARCHAR',
  address_city: 'VARCHAR',
  address_geo_lat: 'DOUBLE',
  tags: 'VARCHAR',
  updated_at: 'TIMESTAMP WITH TIME ZONE',
  local_at: 'TIMESTAMP',
  birthday: 'DATE',
  _airbyte_unfit_values: 'VARCHAR',
};

const VALUES_SQL = `SELECT id, name, balance::VARCHAR AS balance, score, active, contact_email, contact_phone, contact_visits, address_city,
  address_geo_lat, tags, updated_at::VARCHAR AS updated_at, local_at::VARCHAR AS local_at, birthday::VARCHAR AS birthday FROM lake ORDER BY id`;

const EXPECTED_FIRST_ROW = {
  id: '1',
  name: 'Zoë 🦆',
  balance: '12345678901234567890123456789.123456789',
  score: 1.5,
  active: true,
  contact_email: 'a@b.c',
  contact_phone: '+1',
  contact_visits: '2',
  address_city: 'Paris',
  address_geo_lat: 48.85,
  tags: '["a","b"]',
  updated_at: '2024-01-02 03:04:05.123456+00',
  local_at: '2024-01-02 03:04:05.123456',
  birthday: '2024-01-02',
};

let lake: Lake;
let work: string;

beforeAll(async () => {
  lake = await startLake();
  work = await mkdtemp(join(lake.dir, 'chunks-'));
}, 60_000);

afterAll(async () => {
  await lake?.stop();
}, 60_000);

async function columnTypes(keys: string[]): Promise<Record<string, string>> {
  const rows = await queryParquet(lake, keys, 'DESCRIBE lake');
  return Object.fromEntries(rows.map((r) => [r.column_name, r.column_type]));
}

describe('destination-s3 spec and check', () => {
  it("has Airbyte's field names, secrets and sync modes", () => {
    expectValidSpec(spec, ['access_key_id', 'secret_access_key']);
    expect(spec.supported_destination_sync_modes).toEqual(['overwrite', 'append']);
    const props = spec.connectionSpecification.properties as Record<string, Record<string, unknown>>;
    expect(Object.keys(props).sort()).toEqual(
      ['access_key_id', 'file_name_pattern', 'format', 's3_bucket_name', 's3_bucket_path', 's3_bucket_region', 's3_endpoint', 's3_path_format', 'secret_access_key'].sort(),
    );
    expect((props.format.oneOf as Array<{ properties: { format_type: { enum: string[] } } }>).map((b) => b.properties.format_type.enum[0])).toEqual(['CSV', 'JSONL', 'Parquet']);
  });

  it('succeeds against a reachable bucket and leaves no probe object behind', async () => {
    expect(await destinationS3.check(lakeConfig(lake, { s3_bucket_path: 'checked' }), { log: () => undefined })).toEqual({ status: 'SUCCEEDED' });
    expect(await listKeys(lake, 'checked')).toEqual([]);
  });

  it('fails with a message naming the cause', async () => {
    const check = async (overrides: Record<string, unknown>) => (await destinationS3.check({ ...lakeConfig(lake), ...overrides }, { log: () => undefined })).message;
    const endpoint = lake.server.endpoint;
    expect(await check({ s3_bucket_name: 'missing-bucket' })).toBe(`bucket 'missing-bucket' does not exist at ${endpoint}`);
    expect(await check({ secret_access_key: 'wrong-secret' })).toMatch(/^access denied: check access_key_id \/ secret_access_key/);
    expect(await check({ access_key_id: 'nobody' })).toMatch(/^access denied: check access_key_id \/ secret_access_key/);
    const closedPort = await freePort();
    expect(await check({ s3_endpoint: `http://127.0.0.1:${closedPort}` })).toBe(
      `cannot reach the S3 endpoint http://127.0.0.1:${closedPort} (ECONNREFUSED); check s3_endpoint and that the server is running`,
    );
    expect(await check({ s3_bucket_name: undefined })).toMatch(/s3_bucket_name is required/);
    expect(await check({ format: { format_type: 'Parquet', compression_codec: 'LZO' } })).toMatch(/compression_codec LZO is not supported.*use UNCOMPRESSED, SNAPPY, GZIP or ZSTD/);
    expect(await check({ s3_path_format: '${NAMESPACE}/${TABLE}/' })).toMatch(/s3_path_format uses unknown variable "\$\{TABLE\}"/);
  });

  it('refuses a key template that cannot keep streams apart or leaves the bucket path, naming the field', async () => {
    const check = async (overrides: Record<string, unknown>) => (await destinationS3.check({ ...lakeConfig(lake), ...overrides }, { log: () => undefined })).message;
    expect(await check({ s3_path_format: '${STREAM_NAME}${EPOCH}_' })).toMatch(/^Config is not valid: s3_path_format must put \$\{STREAM_NAME\} at the end of a path segment/);
    expect(await check({ s3_path_format: '${NAMESPACE}_${STREAM_NAME}/' })).toMatch(/s3_path_format must put \$\{NAMESPACE\} at the end of a path segment/);
    expect(await check({ s3_path_format: '${NAMESPACE}/${EPOCH}_' })).toMatch(/s3_path_format must contain \$\{STREAM_NAME\}/);
    expect(await check({ s3_bucket_path: '../../etc' })).toMatch(/s3_bucket_path must not contain "\.\."/);
    expect(await check({ s3_bucket_path: 'lake/../other' })).toMatch(/s3_bucket_path must not contain "\.\."/);
    expect(await check({ s3_path_format: '../${STREAM_NAME}/' })).toMatch(/s3_path_format must not contain "\.\."/);
    expect(await check({ s3_path_format: './${STREAM_NAME}/' })).toMatch(/s3_path_format must not contain a "\." path segment/);
    expect(await check({ file_name_pattern: '..{part_number}' })).toMatch(/file_name_pattern must not contain "\.\."/);
    // In the bucket path, ${STREAM_NAME} ends a segment: the joining "/" follows it.
    expect(await check({ s3_bucket_path: 'checked/${NAMESPACE}/${STREAM_NAME}', s3_path_format: '${YEAR}_${EPOCH}_' })).toBeUndefined();
  });

  it('refuses append_dedup, which S3 cannot do', async () => {
    const { thrown } = await runWrite(destinationS3, lakeConfig(lake), catalogOf(customers('append_dedup' as 'append')), inputOf());
    expect(thrown).toMatchObject({ failureType: 'config_error', message: expect.stringMatching(/append_dedup is not supported/) });
  });
});

describe('destination-s3 Parquet', () => {
  it('turns a CSV chunk into typed, flattened Parquet (the fast path)', async () => {
    const config = lakeConfig(lake, { s3_bucket_path: 'fast' });
    const stream = customers();
    const batch = await csvBatch(work, stream, CUSTOMERS_CSV, 3);
    const { messages, thrown } = await runWrite(destinationS3, config, catalogOf(stream), inputOf(batch, stateOf('customers', 1)));
    expect(thrown).toBeUndefined();
    expect(messages).toEqual([stateOf('customers', 1)]);
    expect(batch.released).toBe(true);

    const keys = await listKeys(lake, 'fast/');
    expect(keys).toEqual([expect.stringMatching(/^fast\/public\/customers\/\d{4}_\d{2}_\d{2}_\d+_0\.parquet$/)]);
    expect(await columnTypes(keys)).toEqual(EXPECTED_COLUMNS);
    const rows = await queryParquet(lake, keys, VALUES_SQL);
    expect(rows[0]).toEqual(EXPECTED_FIRST_ROW);
    // NULL (unquoted empty) and '' (quoted empty) stay apart.
    expect(rows[1]).toMatchObject({ id: '2', name: null, balance: null, contact_email: null, address_city: null, tags: null, updated_at: null });
    expect(rows[2]).toMatchObject({ id: '3', name: '', balance: '-0.000000001', active: false, contact_email: null, tags: '[]' });
    const [meta] = await queryParquet(lake, keys, `SELECT count(DISTINCT _airbyte_ab_id) AS ids, min(_airbyte_emitted_at)::VARCHAR AS emitted FROM lake`);
    expect(meta).toEqual({ ids: '3', emitted: '2025-10-16 10:00:00.123+00' });
  });

  it('types and flattens records (RECORD_BATCH and RECORD messages) the same way, through a local spill', async () => {
    const config = lakeConfig(lake, { s3_bucket_path: 'records' });
    const record = {
      id: 1,
      name: 'Zoë 🦆',
      balance: '12345678901234567890123456789.123456789',
      score: 1.5,
      active: true,
      contact: { email: 'a@b.c', phone: '+1', visits: 2 },
      address: { city: 'Paris', geo: { lat: 48.85 } },
      tags: ['a', 'b'],
      updated_at: '2024-01-02T03:04:05.123456Z',
      local_at: '2024-01-02T03:04:05.123456',
      birthday: '2024-01-02',
    };
    const input = inputOf(
      { type: 'RECORD_BATCH', stream: 'customers', namespace: 'public', emittedAt: Date.UTC(2025, 9, 16, 10), records: [record, { id: 2 }] },
      { type: 'RECORD', record: { stream: 'customers', namespace: 'public', emitted_at: Date.UTC(2025, 9, 16, 11), data: { id: 3, name: '', contact: {} } } },
    );
    const { thrown } = await runWrite(destinationS3, config, catalogOf(customers()), input);
    expect(thrown).toBeUndefined();
    const keys = await listKeys(lake, 'records/');
    expect(keys).toHaveLength(1);
    expect(await columnTypes(keys)).toEqual(EXPECTED_COLUMNS);
    const rows = await queryParquet(lake, keys, VALUES_SQL);
    expect(rows[0]).toEqual(EXPECTED_FIRST_ROW);
    expect(rows[1]).toMatchObject({ id: '2', name: null, contact_email: null });
    expect(rows[2]).toMatchObject({ id: '3', name: '' });
    const emitted = await queryParquet(lake, keys, 'SELECT id, _airbyte_emitted_at::VARCHAR AS at FROM lake ORDER BY id');
    expect(emitted.map((r) => r.at)).toEqual(['2025-10-16 10:00:00+00', '2025-10-16 10:00:00+00', '2025-10-16 11:00:00+00']);
  });

  it('writes every codec so an independent reader opens it', async () => {
    for (const codec of ['UNCOMPRESSED', 'SNAPPY', 'GZIP', 'ZSTD'] as const) {
      const prefix = `codec-${codec.toLowerCase()}`;
      const config = lakeConfig(lake, { s3_bucket_path: prefix, format: { format_type: 'Parquet', compression_codec: codec, block_size_mb: 1 } });
      const records = Array.from({ length: 50 }, (_, i) => ({ id: i, name: `n${i}` }));
      const { thrown } = await runWrite(destinationS3, config, catalogOf(customers()), inputOf({ type: 'RECORD_BATCH', stream: 'customers', namespace: 'public', emittedAt: 1, records }));
      expect(thrown).toBeUndefined();
      const keys = await listKeys(lake, `${prefix}/`);
      const [row] = await queryParquet(lake, keys, `SELECT (SELECT count(*) FROM lake) AS n, (SELECT list(DISTINCT compression) FROM lake_meta) AS codecs`);
      expect(row).toEqual({ n: '50', codecs: [codec] });
    }
  });

  it('splits large streams into several files: buffers rotate by rows, chunks by file size', async () => {
    const config = lakeConfig(lake, { s3_bucket_path: 'split-records' });
    const batches = Array.from({ length: 5 }, (_, b): SourceOutput => ({
      type: 'RECORD_BATCH',
      stream: 'customers',
      namespace: 'public',
      emittedAt: 1,
      records: Array.from({ length: 5 }, (_, i) => ({ id: b * 5 + i })),
    }));
    const small = createDestinationS3({ bufferMaxRows: 10 });
    await runWrite(small, config, catalogOf(customers()), inputOf(...batches));
    const recordKeys = await listKeys(lake, 'split-records/');
    expect(recordKeys.map((k) => /_(\d+)\.parquet$/.exec(k)![1]).sort()).toEqual(['0', '1', '2']);
    expect(await queryParquet(lake, recordKeys, 'SELECT count(*) AS n, sum(id) AS s FROM lake')).toEqual([{ n: '25', s: '300' }]);

    // ~2.5 MB of incompressible text in one chunk, 1 MB row groups, files capped at 1 MB.
    const rows = 30_000;
    const csv = ['id,name', ...Array.from({ length: rows }, (_, i) => `${i},${Math.random().toString(36).slice(2)}${Math.random().toString(36).slice(2)}${Math.random().toString(36).slice(2)}`)].join('\n');
    const chunk = await csvBatch(work, customers(), csv, rows);
    chunk.columns = chunk.columns.slice(0, 2);
    const capped = createDestinationS3({ maxFileBytes: 1024 * 1024 });
    const chunkConfig = lakeConfig(lake, { s3_bucket_path: 'split-chunk', format: { format_type: 'Parquet', compression_codec: 'SNAPPY', block_size_mb: 1 } });
    await runWrite(capped, chunkConfig, catalogOf(customers()), inputOf(chunk));
    const chunkKeys = await listKeys(lake, 'split-chunk/');
    expect(chunkKeys.length).toBeGreaterThan(1);
    expect(await queryParquet(lake, chunkKeys, 'SELECT count(*) AS n, count(DISTINCT id) AS d FROM lake')).toEqual([{ n: String(rows), d: String(rows) }]);
  });
});

describe('destination-s3 Parquet _airbyte_ab_id', () => {
  const CANONICAL_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
  const other = () => configuredStream('other', { id: { type: 'integer' } });
  /** A CSV chunk of `customers` with only its `id` column, from `from` on. */
  async function idChunk(from: number, rows: number) {
    const chunk = await csvBatch(work, customers(), ['id', ...Array.from({ length: rows }, (_, i) => String(from + i))].join('\n'), rows);
    chunk.columns = chunk.columns.slice(0, 1);
    return chunk;
  }

  /** One sync of the same data: two CSV chunks of `customers`, records of `other`, and a stream without properties. */
  async function syncIds(prefix: string): Promise<string[]> {
    const config = lakeConfig(lake, { s3_bucket_path: prefix });
    const bare = configuredStream('bare', {});
    const records = Array.from({ length: 50 }, (_, i) => ({ id: i }));
    const input = inputOf(
      await idChunk(0, 500),
      await idChunk(500, 500),
      { type: 'RECORD_BATCH', stream: 'other', namespace: 'public', emittedAt: 1, records },
      { type: 'RECORD_BATCH', stream: 'bare', namespace: 'public', emittedAt: 1, records },
    );
    const { thrown } = await runWrite(destinationS3, config, catalogOf(customers(), other(), bare), input);
    expect(thrown).toBeUndefined();
    const keys = await listKeys(lake, `${prefix}/`);
    expect(keys).toHaveLength(4);
    const rows = await queryParquet(lake, keys, 'SELECT _airbyte_ab_id AS id, TRY_CAST(_airbyte_ab_id AS UUID)::VARCHAR AS parsed FROM lake');
    expect(rows).toHaveLength(1100);
    for (const row of rows) expect(row.parsed).toBe(row.id);
    return rows.map((r) => r.id as string);
  }

  it('is a canonical UUID string, unique within a sync and across syncs of the same data', async () => {
    const first = await syncIds('ids-first');
    const second = await syncIds('ids-second');
    for (const id of [...first, ...second]) expect(id).toMatch(CANONICAL_UUID);
    expect(new Set(first).size).toBe(first.length);
    expect(new Set([...first, ...second]).size).toBe(first.length + second.length);
  });

  it('compresses: under 2 bytes a row in ZSTD Parquet, where random ids take over 13', async () => {
    const rows = 60_000;
    const config = lakeConfig(lake, { s3_bucket_path: 'ids-size' });
    const { thrown } = await runWrite(destinationS3, config, catalogOf(customers()), inputOf(await idChunk(0, rows)));
    expect(thrown).toBeUndefined();
    const keys = await listKeys(lake, 'ids-size/');
    const [size] = await queryParquet(lake, keys, `SELECT sum(total_compressed_size)::BIGINT AS bytes FROM lake_meta WHERE path_in_schema = '_airbyte_ab_id'`);
    expect(Number(size.bytes) / rows).toBeLessThan(2);
    const [ids] = await queryParquet(lake, keys, 'SELECT count(DISTINCT _airbyte_ab_id) AS n FROM lake');
    expect(ids).toEqual({ n: String(rows) });
  });
});

describe('destination-s3 Parquet keeps values its columns cannot hold', () => {
  const ODD_SCHEMA: Record<string, JsonSchema> = {
    id: { type: 'integer' },
    amount: { type: ['null', 'number'], precision: 10, scale: 2 },
    at: { type: ['null', 'string'], format: 'date-time', airbyte_type: 'timestamp_with_timezone' },
    flag: { type: ['null', 'boolean'] },
    UPPER: { type: ['null', 'string'] },
    upper: { type: ['null', 'string'] },
  };

  it('in _airbyte_unfit_values, with record properties outside the catalog, the column left NULL', async () => {
    const config = lakeConfig(lake, { s3_bucket_path: 'unfit' });
    const records = [
      { id: 1, amount: '12.50', at: '2024-01-01T00:00:00Z', flag: true, UPPER: 'big', upper: 'small' },
      { id: 1.5, amount: 'NaN', at: '0044-03-15T10:00:00Z BC', flag: 'maybe', extra: { a: [1, 2] } },
      { id: 2 ** 70, amount: 123456789012, at: 'yesterday', flag: null, more: 'x' },
    ];
    const { thrown } = await runWrite(destinationS3, config, catalogOf(configuredStream('odd', ODD_SCHEMA)), inputOf({ type: 'RECORD_BATCH', stream: 'odd', namespace: 'public', emittedAt: 1, records }));
    expect(thrown).toBeUndefined();
    const keys = await listKeys(lake, 'unfit/');
    const rows = await queryParquet(lake, keys, `SELECT id, amount::VARCHAR AS amount, "at"::VARCHAR AS "at", flag, "UPPER", upper_2, _airbyte_unfit_values AS unfit FROM lake ORDER BY _airbyte_unfit_values NULLS FIRST`);
    expect(rows).toEqual([
      { id: '1', amount: '12.50', at: '2024-01-01 00:00:00+00', flag: true, UPPER: 'big', upper_2: 'small', unfit: null },
      { id: null, amount: null, at: null, flag: null, UPPER: null, upper_2: null, unfit: '{"id":"1.1805916207174113e+21","amount":"123456789012","at":"yesterday","more":"x"}' },
      { id: null, amount: null, at: '0044-03-15 (BC) 10:00:00+00', flag: null, UPPER: null, upper_2: null, unfit: '{"id":"1.5","amount":"NaN","flag":"maybe","extra":{"a":[1,2]}}' },
    ]);
  });

  it('takes records larger than the 16 MB DuckDB reads by default', async () => {
    const config = lakeConfig(lake, { s3_bucket_path: 'huge-record' });
    const big = 'é'.repeat(12 * 1024 * 1024);
    const { thrown } = await runWrite(destinationS3, config, catalogOf(customers()), inputOf({ type: 'RECORD_BATCH', stream: 'customers', namespace: 'public', emittedAt: 1, records: [{ id: 1, name: big }, { id: 2, name: 'small' }] }));
    expect(thrown).toBeUndefined();
    const rows = await queryParquet(lake, await listKeys(lake, 'huge-record/'), 'SELECT id, length(name) AS n, name = repeat(\'é\', 12 * 1024 * 1024) AS same FROM lake ORDER BY id');
    expect(rows).toEqual([{ id: '1', n: String(big.length), same: true }, { id: '2', n: '5', same: false }]);
  }, 60_000);
});

describe('destination-s3 commit semantics', () => {
  it('yields each STATE only once the records before it are in S3', async () => {
    const config = lakeConfig(lake, { s3_bucket_path: 'commits' });
    const batch = (from: number, n: number): SourceOutput => ({
      type: 'RECORD_BATCH',
      stream: 'customers',
      namespace: 'public',
      emittedAt: 1,
      records: Array.from({ length: n }, (_, i) => ({ id: from + i })),
    });
    let statesSeen = 0;
    for await (const m of destinationS3.write(config, catalogOf(customers()), inputOf(batch(0, 3), stateOf('customers', 1), batch(3, 4), stateOf('customers', 2)), { log: () => undefined })) {
      expect(m.type).toBe('STATE');
      // An overwrite's files are uncompleted uploads until the sync ends. STATE n covers the first
      // n files (one per STATE here): each must have all its parts on the server, as recorded.
      // Later files may already be uploading (uploads run ahead of acknowledgements).
      const entries = (await listKeys(lake, 'commits/.airbyte/')).filter((k) => /\/up-\d+\.json$/.test(k)).sort();
      const covered = entries.slice(0, ++statesSeen);
      expect(covered).toHaveLength(statesSeen);
      for (const entry of covered) {
        const upload = JSON.parse((await getObject(lake, entry)).toString()) as { key: string; uploadId: string; parts?: Array<{ PartNumber: number; ETag: string }> };
        expect(upload.parts?.length).toBeGreaterThan(0);
        const onServer = await lake.client.send(new ListPartsCommand({ Bucket: BUCKET, Key: upload.key, UploadId: upload.uploadId }));
        expect(onServer.Parts?.map((p) => ({ PartNumber: p.PartNumber, ETag: p.ETag }))).toEqual(upload.parts);
      }
    }
    expect(statesSeen).toBe(2);
    const [row] = await queryParquet(lake, await listKeys(lake, 'commits/public/customers/'), 'SELECT list(id ORDER BY id) AS ids FROM lake');
    expect((row.ids as unknown[]).map(Number)).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });

  it('overwrite replaces earlier files only after the new sync succeeded, and never a neighbour sharing the prefix', async () => {
    // `customers` is also the start of `customers_addresses`.
    const config = lakeConfig(lake, { s3_bucket_path: 'overwrite', s3_path_format: '${NAMESPACE}/${STREAM_NAME}/${EPOCH}_' });
    const neighbour = configuredStream('customers_addresses', { id: { type: 'integer' } }, 'append');
    const rows = (stream: string, ids: number[]): SourceOutput => ({ type: 'RECORD_BATCH', stream, namespace: 'public', emittedAt: 1, records: ids.map((id) => ({ id })) });
    const sync = (input: AsyncIterable<SourceOutput>) => runWrite(destinationS3, config, catalogOf(customers(), neighbour), input);
    const customerKeys = () => listKeys(lake, 'overwrite/public/customers/');

    expect((await sync(inputOf(rows('customers', [1, 2]), rows('customers_addresses', [10])))).thrown).toBeUndefined();
    const first = await customerKeys();
    expect(first).toHaveLength(1);

    // A sync that dies after committing part of its data leaves the previous files as the only visible ones.
    async function* dying(): AsyncGenerator<SourceOutput> {
      yield rows('customers', [3]);
      yield stateOf('customers', 1);
      throw new Error('source lost its connection');
    }
    const failed = await sync(dying());
    expect(failed.thrown).toMatchObject({ message: 'source lost its connection' });
    expect(failed.messages).toEqual([stateOf('customers', 1)]);
    expect(await customerKeys()).toEqual(first);

    expect((await sync(inputOf(rows('customers', [4, 5, 6])))).thrown).toBeUndefined();
    const last = await customerKeys();
    expect(last).toHaveLength(1);
    expect(first).not.toContain(last[0]);
    expect(await queryParquet(lake, last, 'SELECT list(id ORDER BY id) AS ids FROM lake')).toEqual([{ ids: ['4', '5', '6'] }]);
    expect(await listKeys(lake, 'overwrite/public/customers_addresses/')).toHaveLength(1);
    expect(await listKeys(lake, 'overwrite/.airbyte/')).toEqual([]);
  });

  it('append keeps the files of earlier syncs', async () => {
    const config = lakeConfig(lake, { s3_bucket_path: 'append' });
    const sync = (ids: number[]) =>
      runWrite(destinationS3, config, catalogOf(customers('append')), inputOf({ type: 'RECORD_BATCH', stream: 'customers', namespace: 'public', emittedAt: 1, records: ids.map((id) => ({ id })) }));
    await sync([1, 2]);
    await sync([3]);
    const keys = await listKeys(lake, 'append/');
    expect(keys).toHaveLength(2);
    expect(await queryParquet(lake, keys, 'SELECT list(id ORDER BY id) AS ids FROM lake')).toEqual([{ ids: ['1', '2', '3'] }]);
  });

  it('fails with a transient error when S3 goes away mid-sync', async () => {
    // A TCP relay in front of SeaweedFS that the test cuts after the first commit.
    const target = new URL(lake.server.endpoint);
    const sockets = new Set<Socket>();
    const relay = createServer((client) => {
      const upstream = connect(Number(target.port), target.hostname);
      for (const s of [client, upstream]) {
        sockets.add(s);
        s.on('error', () => undefined).on('close', () => sockets.delete(s));
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
    const port = (relay.address() as { port: number }).port;
    const cut = () => {
      relay.close();
      for (const s of sockets) s.destroy();
    };
    const records = (ids: number[]): SourceOutput => ({ type: 'RECORD_BATCH', stream: 'customers', namespace: 'public', emittedAt: 1, records: ids.map((id) => ({ id })) });
    const config = lakeConfig(lake, { s3_bucket_path: 'cut', s3_endpoint: `http://127.0.0.1:${port}` });
    let firstAcknowledged!: () => void;
    const acknowledgedOnce = new Promise<void>((resolve) => (firstAcknowledged = resolve));
    async function* input(): AsyncGenerator<SourceOutput> {
      yield records([1]);
      yield stateOf('customers', 1);
      await acknowledgedOnce;
      yield records([2]);
      yield stateOf('customers', 2);
    }
    const acknowledged = [];
    let thrown: unknown;
    try {
      for await (const m of destinationS3.write(config, catalogOf(customers('append')), input(), { log: () => undefined })) {
        acknowledged.push(m);
        cut();
        firstAcknowledged();
      }
    } catch (err) {
      thrown = err;
    }
    expect(acknowledged).toEqual([stateOf('customers', 1)]);
    expect((thrown as ConnectorError).failureType).toBe('transient_error');
    expect((thrown as ConnectorError).message).toMatch(/^cannot reach the S3 endpoint http:\/\/127\.0\.0\.1:\d+/);
  }, 30_000);
});

describe('destination-s3 stream paths', { timeout: 60_000 }, () => {
  const ids = (stream: string, namespace: string | null, values: number[]): SourceOutput => ({ type: 'RECORD_BATCH', stream, namespace, emittedAt: 1, records: values.map((id) => ({ id })) });
  const stream = (name: string, namespace: string | null = 'public') => configuredStream(name, { id: { type: 'integer' } }, 'overwrite', namespace as string);
  const idsUnder = async (prefix: string) => {
    const keys = await listKeys(lake, prefix);
    if (keys.length === 0) return [];
    const [row] = await queryParquet(lake, keys, 'SELECT list(id ORDER BY id) AS ids FROM lake');
    return (row.ids as string[]).map(Number);
  };

  it('an overwrite of stream "a" never deletes the objects of stream "a1"', async () => {
    // Once the sync that emptied the prefix: a's older objects matched a1's keys and the other way round.
    const ambiguous = lakeConfig(lake, { s3_bucket_path: 'collide', s3_path_format: '${STREAM_NAME}${EPOCH}_' });
    const refused = await runWrite(destinationS3, ambiguous, catalogOf(stream('a'), stream('a1')), inputOf(ids('a', 'public', [1]), ids('a1', 'public', [2])));
    expect(refused.thrown).toMatchObject({ failureType: 'config_error', message: expect.stringMatching(/s3_path_format must put \$\{STREAM_NAME\} at the end of a path segment/) });
    expect(await listKeys(lake, 'collide/')).toEqual([]);

    const separated = lakeConfig(lake, { s3_bucket_path: 'separated', s3_path_format: '${STREAM_NAME}/${EPOCH}_' });
    for (const round of [0, 1]) {
      const { thrown } = await runWrite(destinationS3, separated, catalogOf(stream('a'), stream('a1')), inputOf(ids('a', 'public', [1 + round]), ids('a1', 'public', [10 + round])));
      expect(thrown).toBeUndefined();
      expect(await idsUnder('separated/a/')).toEqual([1 + round]);
      expect(await idsUnder('separated/a1/')).toEqual([10 + round]);
    }
  });

  it('keeps a stream without namespace apart from a namespace of the same name', async () => {
    const config = lakeConfig(lake, { s3_bucket_path: 'namespaces', s3_path_format: '${NAMESPACE}/${STREAM_NAME}/${EPOCH}_' });
    const catalog = catalogOf(stream('x', null), stream('y', 'x'));
    for (const round of [0, 1]) expect((await runWrite(destinationS3, config, catalog, inputOf(ids('x', null, [1 + round]), ids('y', 'x', [5 + round])))).thrown).toBeUndefined();
    expect(await idsUnder('namespaces/x/y/')).toEqual([6]);
    expect((await listKeys(lake, 'namespaces/x/')).filter((k) => !k.startsWith('namespaces/x/y/'))).toHaveLength(1);
  });

  it('refuses streams the template would write to the same objects', async () => {
    const config = lakeConfig(lake, { s3_bucket_path: 'shared', s3_path_format: '${STREAM_NAME}/' });
    const { thrown } = await runWrite(destinationS3, config, catalogOf(stream('users', 'public'), stream('users', 'other')), inputOf());
    expect(thrown).toMatchObject({ failureType: 'config_error', message: expect.stringMatching(/^s3_path_format: streams public\.users and other\.users would be written to the same objects; add \$\{NAMESPACE\}/) });
  });

  it('writes streams named "../../etc", "a/b", "k=v" or "UPPER" and "upper" inside the bucket path, each name its own segment', async () => {
    const config = lakeConfig(lake, { s3_bucket_path: 'hostile' });
    const names = ['../../etc', 'a/b', 'a_b', 'k=v', '*', 'UPPER', 'upper', '.hidden'];
    const catalog = catalogOf(...names.map((n) => stream(n, '../ns')));
    const { thrown } = await runWrite(destinationS3, config, catalog, inputOf(...names.map((n, i) => ids(n, '../ns', [i, 100 + i]))));
    expect(thrown).toBeUndefined();
    const keys = await listKeys(lake, '');
    const hostile = keys.filter((k) => !/^[a-z0-9-]+\//.test(k) || k.startsWith('hostile/'));
    expect(hostile.length).toBeGreaterThan(0);
    for (const key of hostile) {
      expect(key.startsWith('hostile/')).toBe(true);
      expect(key.split('/')).not.toContain('..');
      expect(key).not.toMatch(/[=*]/);
    }
    const namespace = keySegment('../ns');
    expect(namespace).toMatch(/^___ns_[0-9a-f]{8}$/);
    for (const [i, name] of names.entries()) {
      const segment = keySegment(name);
      expect(segment).not.toContain('/');
      expect(await idsUnder(`hostile/${namespace}/${segment}/`)).toEqual([i, 100 + i]);
    }
    expect(keySegment('../../etc')).toMatch(/^______etc_[0-9a-f]{8}$/);
    expect(['customers', 'UPPER', 'upper', 'a_b', 'order-items.v2'].map(keySegment)).toEqual(['customers', 'UPPER', 'upper', 'a_b', 'order-items.v2']);
  });
});

describe('destination-s3 JSON Lines and CSV', () => {
  const record = { id: 1, name: 'Zoë', contact: { email: 'a@b.c' }, tags: ['x'] };
  const textWrite = async (prefix: string, format: Record<string, unknown>, input: AsyncIterable<SourceOutput>) => {
    const config = lakeConfig(lake, { s3_bucket_path: prefix, format: format as never });
    const { thrown } = await runWrite(destinationS3, config, catalogOf(customers()), input);
    expect(thrown).toBeUndefined();
    const keys = await listKeys(lake, `${prefix}/`);
    expect(keys).toHaveLength(1);
    const body = await getObject(lake, keys[0]);
    return { key: keys[0], text: (keys[0].endsWith('.gz') ? gunzipSync(body) : body).toString('utf8') };
  };
  const recordInput = () =>
    inputOf(
      { type: 'RECORD_BATCH', stream: 'customers', namespace: 'public', emittedAt: 1700000000000, records: [record] },
      { type: 'RECORD', record: { stream: 'customers', namespace: 'public', emitted_at: 1700000000001, data: { id: 2, name: '' } } },
    );

  it('writes JSON Lines with _airbyte_data, gzipped', async () => {
    const { key, text } = await textWrite('jsonl-gz', { format_type: 'JSONL', compression: { compression_type: 'GZIP' } }, recordInput());
    expect(key).toMatch(/\.jsonl\.gz$/);
    const lines = text.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toEqual([
      { _airbyte_ab_id: expect.stringMatching(/^[0-9a-f-]{36}$/), _airbyte_emitted_at: 1700000000000, _airbyte_data: record },
      { _airbyte_ab_id: expect.any(String), _airbyte_emitted_at: 1700000000001, _airbyte_data: { id: 2, name: '' } },
    ]);
  });

  it('writes JSON Lines with root-level fields', async () => {
    const { key, text } = await textWrite('jsonl-flat', { format_type: 'JSONL', flattening: 'Root level flattening' }, recordInput());
    expect(key).toMatch(/\.jsonl$/);
    expect(JSON.parse(text.split('\n')[0])).toEqual({ _airbyte_ab_id: expect.any(String), _airbyte_emitted_at: 1700000000000, ...record });
  });

  it('lets the metadata fields yield to root-level fields of the same name', async () => {
    const config = lakeConfig(lake, { s3_bucket_path: 'jsonl-named', format: { format_type: 'JSONL', flattening: 'Root level flattening' } });
    const stream = configuredStream('named', { _airbyte_ab_id: { type: 'string' } });
    const { thrown } = await runWrite(destinationS3, config, catalogOf(stream), inputOf({ type: 'RECORD_BATCH', stream: 'named', namespace: 'public', emittedAt: 5, records: [{ _airbyte_ab_id: 'mine' }] }));
    expect(thrown).toBeUndefined();
    const [key] = await listKeys(lake, 'jsonl-named/');
    expect(JSON.parse((await getObject(lake, key)).toString('utf8'))).toEqual({ _airbyte_ab_id_2: expect.stringMatching(/^[0-9a-f-]{36}$/), _airbyte_emitted_at: 5, _airbyte_ab_id: 'mine' });
  });

  it('writes CSV with root-level columns from a CSV chunk, gzipped, NULL apart from empty', async () => {
    const stream = customers();
    const chunk = await csvBatch(work, stream, CUSTOMERS_CSV, 3);
    const { key, text } = await textWrite('csv-gz', { format_type: 'CSV', flattening: 'Root level flattening', compression: { compression_type: 'GZIP' } }, inputOf(chunk));
    expect(key).toMatch(/\.csv\.gz$/);
    expect(chunk.released).toBe(true);
    const lines = text.trim().split('\n');
    expect(lines[0]).toBe('_airbyte_ab_id,_airbyte_emitted_at,id,name,balance,score,active,contact,address,tags,updated_at,local_at,birthday');
    expect(lines[1]).toMatch(/^[0-9a-f-]{36},1760608800123,1,Zoë 🦆,12345678901234567890123456789\.123456789,1\.5,true,"\{""email"":""a@b\.c"",""phone"":""\+1"",""visits"":2\}",/);
    expect(lines[2]).toMatch(/^[0-9a-f-]{36},1760608800123,2,,,,,,,,,,$/);
    expect(lines[3]).toMatch(/^[0-9a-f-]{36},1760608800123,3,"",/);
  });

  it('writes CSV with one _airbyte_data JSON column without flattening', async () => {
    const { text } = await textWrite('csv-plain', { format_type: 'CSV', flattening: 'No flattening' }, recordInput());
    const lines = text.trim().split('\n');
    expect(lines[0]).toBe('_airbyte_ab_id,_airbyte_emitted_at,_airbyte_data');
    expect(lines[1]).toMatch(/^[0-9a-f-]{36},1700000000000,"\{""id"":1,""name"":""Zoë"",""contact"":\{""email"":""a@b\.c""\},""tags"":\[""x""\]\}"$/);
  });
});
