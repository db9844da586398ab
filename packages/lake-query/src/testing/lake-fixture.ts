// Real services for a test file: SeaweedFS with a `datalake` bucket, a fresh database in the
// run's Postgres, DuckDB (with httpfs) to write lake files, and the query service itself.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import pg from 'pg';
import { inject } from 'vitest';
import { SeaweedService, findHttpfsExtension, type StartedSeaweedService } from '@platform/services';
import { DremioClient } from '../client/index';
import { startLakeQuery, type LakeQueryConfig, type RunningLakeQuery } from '../service';

export const USER = 'dremio_user';
export const PASSWORD = 'dremio_password';
export const BUCKET = 'datalake';

export interface LakeFixture {
  s3: StartedSeaweedService;
  databaseUrl: string;
  secretKey: Buffer;
  tempDir: string;
  /** A DuckDB connection that may write to the lake (the test's, not the service's). */
  writer: DuckDBConnection;
  start(overrides?: Partial<LakeQueryConfig>): Promise<RunningLakeQuery>;
  login(service: RunningLakeQuery): Promise<DremioClient>;
  /** The guide's AirbyteData source, pointed at this SeaweedFS. */
  addAirbyteData(client: DremioClient): Promise<void>;
  stop(): Promise<void>;
}

export async function startLakeFixture(): Promise<LakeFixture> {
  const tempDir = await mkdtemp(path.join(tmpdir(), 'lake-query-test-'));
  const s3 = await new SeaweedService({ dataDir: path.join(tempDir, 's3') }).start();
  await s3.createBucket(BUCKET);
  const adminUrl = inject('postgresUrl');
  const dbName = `lake_query_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${dbName}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${dbName}`;
  const instance = await DuckDBInstance.create(':memory:', { autoinstall_known_extensions: 'false' });
  const writer = await instance.connect();
  await writer.run(`LOAD '${findHttpfsExtension()}'`);
  await writer.run(
    `CREATE SECRET (TYPE s3, KEY_ID '${s3.accessKeyId}', SECRET '${s3.secretAccessKey}', ENDPOINT '${new URL(s3.endpoint).host}', URL_STYLE 'path', USE_SSL false, REGION 'us-east-1')`,
  );
  const secretKey = randomBytes(32);
  const running: RunningLakeQuery[] = [];
  return {
    s3,
    databaseUrl: url.toString(),
    secretKey,
    tempDir,
    writer,
    async start(overrides = {}) {
      const service = await startLakeQuery({
        databaseUrl: url.toString(),
        secretKey,
        host: '127.0.0.1',
        restPort: 0,
        pgPort: 0,
        user: USER,
        password: PASSWORD,
        memoryLimitMiB: 256,
        threads: 2,
        queryTimeoutMs: 60_000,
        maxConcurrentQueries: 2,
        tempDir: path.join(tempDir, 'spill'),
        // Unexpected errors (500s) are logged by the service; show them with the failing test.
        log: (line) => {
          if (/ failed: /.test(line)) console.error(line);
        },
        ...overrides,
      });
      running.push(service);
      return service;
    },
    login: (service) => DremioClient.login(service.restUrl, USER, PASSWORD),
    async addAirbyteData(client) {
      await client.createCatalogEntity({
        entityType: 'source',
        name: 'AirbyteData',
        type: 'S3',
        config: {
          accessKey: s3.accessKeyId,
          accessSecret: s3.secretAccessKey,
          rootPath: '/',
          propertyList: [
            { name: 'fs.s3a.endpoint', value: new URL(s3.endpoint).host },
            { name: 'fs.s3a.path.style.access', value: 'true' },
            { name: 'dremio.s3.compat', value: 'true' },
          ],
        },
      });
    },
    async stop() {
      for (const service of running) await service.stop().catch(() => undefined);
      writer.closeSync();
      instance.closeSync();
      await s3.stop();
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
      await client.end();
      await rm(tempDir, { recursive: true, force: true });
    },
  };
}
