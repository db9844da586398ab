import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, test } from 'vitest';
import { MissingEnvVarError } from './interpolate';
import { readSeedFile, SeedFileError } from './seed-file';

const DEFAULT_SEED = fileURLToPath(new URL('../../../config/seeds/default.yaml', import.meta.url));
const ENV = {
  PLATFORM_POSTGRES_HOST: '127.0.0.1',
  PLATFORM_POSTGRES_PORT: '5432',
  PLATFORM_POSTGRES_USER: 'postgres',
  PLATFORM_POSTGRES_PASSWORD: 'pg-secret',
  PLATFORM_S3_ENDPOINT: 'http://127.0.0.1:9000',
  PLATFORM_S3_HOST_PORT: '127.0.0.1:9000',
  PLATFORM_S3_REGION: 'us-east-1',
  PLATFORM_S3_BUCKET: 'datalake',
  MINIO_ROOT_USER: 'minioadmin',
  MINIO_ROOT_PASSWORD: 'minioadmin',
  SOURCE_DB_USER: 'readonly_user',
  SOURCE_DB_PASSWORD: 'secret',
};

const dir = mkdtempSync(path.join(tmpdir(), 'seed-file-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function seedFile(text: string): string {
  const file = path.join(dir, `${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(file, text);
  return file;
}

test("config/seeds/default.yaml is the guide's demo: PostgreSQL → MinIO S3 with three streams", () => {
  const seed = readSeedFile(DEFAULT_SEED, ENV);
  expect(seed.workspace).toEqual({ slug: 'default', name: 'Production Data Platform', email: 'airbyte@example.com' });
  expect(seed.sources[0]).toMatchObject({ name: 'PostgreSQL', configuration: { database: 'source_db', password: 'secret', ssl_mode: { mode: 'prefer' } } });
  expect(seed.destinations[0].configuration).toMatchObject({
    s3_bucket_path: 'airbyte-data/${NAMESPACE}/${STREAM_NAME}',
    s3_endpoint: 'http://127.0.0.1:9000',
    format: { format_type: 'Parquet', compression_codec: 'GZIP', block_size_mb: 128 },
  });
  expect(seed.dremioSources).toEqual([
    {
      name: 'AirbyteData',
      type: 'S3',
      config: {
        accessKey: 'minioadmin',
        accessSecret: 'minioadmin',
        rootPath: '/',
        propertyList: [
          // host:port: a real Dremio prefixes the scheme itself (http:// with `secure` off).
          { name: 'fs.s3a.endpoint', value: '127.0.0.1:9000' },
          { name: 'fs.s3a.path.style.access', value: 'true' },
          { name: 'dremio.s3.compat', value: 'true' },
        ],
      },
    },
  ]);
  const [connection] = seed.connections;
  expect(connection).toMatchObject({ name: 'PostgreSQL → MinIO', source: 'PostgreSQL', destination: 'MinIO S3' });
  expect(connection.settings).toMatchObject({ namespaceDefinition: 'customformat', namespaceFormat: 'production_${SOURCE_NAMESPACE}', schedule: { units: 24, timeUnit: 'hours' } });
  expect(connection.streams.map((s) => [s.name, s.syncMode, s.destinationSyncMode, s.cursorField, s.primaryKey])).toEqual([
    ['customers', 'full_refresh', 'overwrite', ['updated_at'], [['id']]],
    ['orders', 'incremental', 'append', ['created_at'], [['order_id']]],
    ['products', 'full_refresh', 'overwrite', undefined, [['product_id']]],
  ]);
});

test("config/seeds/default.yaml also loads the guide's analytics_db with Basic normalization", () => {
  const seed = readSeedFile(DEFAULT_SEED, ENV);
  expect(seed.destinations.map((d) => [d.name, d.definition])).toEqual([
    ['MinIO S3', 'airbyte/destination-s3'],
    ['PostgreSQL', 'airbyte/destination-postgres'],
  ]);
  expect(seed.destinations[1].configuration).toEqual({
    host: '127.0.0.1',
    // Seeding coerces it to the spec's integer (coerce.ts).
    port: '5432',
    database: 'analytics_db',
    schema: 'public',
    username: 'postgres',
    password: 'pg-secret',
    ssl_mode: { mode: 'prefer' },
    normalization: 'basic',
  });
  const connection = seed.connections[1];
  expect(connection).toMatchObject({ name: 'PostgreSQL → PostgreSQL', source: 'PostgreSQL', destination: 'PostgreSQL' });
  expect(connection.settings).toMatchObject({ namespaceDefinition: 'destination' });
  expect(connection.streams.map((s) => [s.name, s.syncMode, s.destinationSyncMode, s.cursorField, s.primaryKey])).toEqual([
    ['customers', 'full_refresh', 'overwrite', undefined, [['id']]],
    ['orders', 'incremental', 'append_dedup', ['created_at'], [['order_id']]],
    ['products', 'full_refresh', 'overwrite', undefined, [['product_id']]],
  ]);
});

test('a missing variable names itself and the seed value that needs it', () => {
  const { SOURCE_DB_PASSWORD: _, ...env } = ENV;
  expect(() => readSeedFile(DEFAULT_SEED, env)).toThrow(MissingEnvVarError);
  expect(() => readSeedFile(DEFAULT_SEED, env)).toThrow(/SOURCE_DB_PASSWORD.*sources\[0\]\.configuration\.password/);
});

test('keys may be written short: a column name, or a list of columns', () => {
  const file = seedFile(`
connections:
  - name: c
    source: s
    destination: d
    streams:
      - { name: t, syncMode: incremental, destinationSyncMode: append_dedup, cursorField: updated_at, primaryKey: [region, id] }
`);
  expect(readSeedFile(file, {}).connections[0].streams[0]).toMatchObject({ cursorField: ['updated_at'], primaryKey: [['region'], ['id']] });
});

test('a malformed seed names the offending field', () => {
  const file = seedFile(`
connections:
  - name: c
    source: s
    destination: d
    streams:
      - { name: t, syncMode: sometimes, destinationSyncMode: append }
`);
  expect(() => readSeedFile(file, {})).toThrow(SeedFileError);
  expect(() => readSeedFile(file, {})).toThrow(/connections\[0\]\.streams\[0\]\.syncMode must be one of full_refresh, incremental/);
});
