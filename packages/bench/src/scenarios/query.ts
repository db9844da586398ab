// The query service (Dremio's part) over a synced-shape dataset in S3: count(*), a GROUP BY and
// a selective filter through its REST API, each cold (a freshly started service) and warm, vs.
// DuckDB in-process over the same Parquet files on local disk; and the REST API's cost on a
// 100k-row result paged at 500 vs. the same query run in-process by the service's engine.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { DuckDBInstance } from '@duckdb/node-api';
import { DremioClient } from '@platform/lake-query/client';
import { startLakeQuery, type RunningLakeQuery } from '@platform/lake-query';
import { PostgresService, SeaweedService } from '@platform/services';
import type { ResultTable, Scenario, Target } from '../scenario';
import { formatCount, formatMb, formatRatio, formatSeconds } from '../lib/format';
import { writeDataset, type LakeDataset } from '../query/lake-dataset';

const BUCKET = 'datalake';
const PREFIX = 'airbyte-data/production_public/orders';
const DATASET = 'Lake.datalake."airbyte-data".production_public.orders';
const USER = 'bench';
const PASSWORD = 'bench-password';
const RESULT_ROWS = 100_000;
const PAGE = 500;

const QUERIES = [
  { name: 'count(*)', sql: (from: string) => `SELECT count(*) AS n FROM ${from}` },
  { name: 'GROUP BY status, sum(amount)', sql: (from: string) => `SELECT status, count(*) AS n, sum(amount) AS total FROM ${from} GROUP BY status ORDER BY status` },
  { name: 'filter id = 4242 (selective)', sql: (from: string) => `SELECT * FROM ${from} WHERE id = 4242` },
];

const seconds = async (work: () => Promise<unknown>): Promise<number> => {
  const start = performance.now();
  await work();
  return (performance.now() - start) / 1000;
};

export const scenario: Scenario = {
  description: 'query service (Dremio REST over DuckDB + S3) vs. DuckDB in-process on local Parquet; REST paging overhead',
  async run(ctx) {
    ctx.log('starting Postgres (catalog) and SeaweedFS');
    const postgres = await new PostgresService({ dataDir: join(ctx.workDir, 'postgres') }).start();
    ctx.defer(() => postgres.stop());
    await postgres.createDatabase('platform');
    const s3 = await new SeaweedService({ dataDir: join(ctx.workDir, 's3') }).start();
    ctx.defer(() => s3.stop());
    await s3.createBucket(BUCKET);
    const s3Client = s3.s3Client();
    ctx.defer(() => s3Client.destroy());

    const secretKey = randomBytes(32);
    const tables: ResultTable[] = [];
    const targets: Target[] = [];
    for (const rows of ctx.options.rows) {
      const localDir = join(ctx.workDir, `local-${rows}`);
      mkdirSync(localDir, { recursive: true });
      ctx.log(`writing ${formatCount(rows)} rows as Parquet GZIP (local disk, then the same bytes to S3)`);
      const dataset = await writeDataset(rows, localDir, s3Client, BUCKET, `${PREFIX}-${rows}`);
      const name = `${DATASET}-${rows}`.replace(/orders-(\d+)$/, '"orders-$1"');

      const startService = async (): Promise<{ service: RunningLakeQuery; client: DremioClient }> => {
        const service = await startLakeQuery({
          databaseUrl: postgres.connectionUrl('platform'),
          secretKey,
          host: '127.0.0.1',
          restPort: 0,
          pgPort: 0,
          user: USER,
          password: PASSWORD,
          memoryLimitMiB: 512, // half of config.yaml's query role (1Gi), as `platform up` gives it
          queryTimeoutMs: 600_000,
          maxConcurrentQueries: 4,
          tempDir: join(ctx.workDir, 'spill'),
        });
        const client = await DremioClient.login(service.restUrl, USER, PASSWORD);
        return { service, client };
      };
      const { service: first, client: setup } = await startService();
      const existing = (await setup.catalog()).data.find((e) => e.path[0] === 'Lake');
      if (!existing) {
        await setup.createCatalogEntity({
          entityType: 'source',
          name: 'Lake',
          type: 'S3',
          config: { accessKey: s3.accessKeyId, accessSecret: s3.secretAccessKey, propertyList: [{ name: 'fs.s3a.endpoint', value: new URL(s3.endpoint).host }, { name: 'fs.s3a.path.style.access', value: 'true' }] },
        });
      }
      await first.stop();

      const rowsOut: string[][] = [];
      for (const query of QUERIES) {
        let best = { serviceCold: Infinity, serviceWarm: Infinity, localCold: Infinity, localWarm: Infinity };
        for (let run = 0; run < ctx.options.repeat; run++) {
          ctx.log(`${formatCount(rows)} rows, ${query.name}: service (fresh start) and DuckDB on local files (new instance), run ${run + 1}`);
          const { service, client } = await startService();
          const serviceCold = await seconds(() => client.query(query.sql(name)));
          const serviceWarm = await seconds(() => client.query(query.sql(name)));
          await service.stop();
          const local = await localTimes(dataset, query.sql(`read_parquet('${dataset.localDir}/*.parquet', union_by_name = true)`));
          best = {
            serviceCold: Math.min(best.serviceCold, serviceCold),
            serviceWarm: Math.min(best.serviceWarm, serviceWarm),
            localCold: Math.min(best.localCold, local.cold),
            localWarm: Math.min(best.localWarm, local.warm),
          };
        }
        rowsOut.push([
          query.name,
          formatSeconds(best.serviceCold),
          formatSeconds(best.localCold),
          formatRatio(best.serviceCold / best.localCold),
          formatSeconds(best.serviceWarm),
          formatSeconds(best.localWarm),
          formatRatio(best.serviceWarm / best.localWarm),
        ]);
      }
      tables.push({
        title: `query: ${formatCount(rows)} rows in ${dataset.files} Parquet GZIP files (${formatMb(dataset.bytes)} MB) — service over S3 vs. DuckDB on local disk`,
        columns: ['query', 'service cold s', 'local cold s', 'ratio', 'service warm s', 'local warm s', 'ratio'],
        rows: rowsOut,
        notes: [
          'service: POST /api/v3/sql → poll /job/{id} → /results, over loopback HTTP, DuckDB reading s3:// through httpfs from SeaweedFS;',
          'cold = the first query on a freshly started service (its DuckDB has no cached metadata or data); warm = the same query again.',
          'local: DuckDB in-process (defaults) on the same files on local disk; cold = a new instance, warm = its second run. The OS page cache is warm for both.',
        ],
      });

      // REST overhead: a 100k-row result paged at 500 vs. the same query read in-process by the service's engine.
      ctx.log(`${formatCount(rows)} rows: ${formatCount(RESULT_ROWS)}-row result through REST (pages of ${PAGE}) vs. in-process`);
      const { service, client } = await startService();
      const resultSql = `SELECT * FROM ${name} WHERE id <= ${RESULT_ROWS}`;
      await client.query(resultSql, { pageSize: PAGE }); // warm: both sides read cached metadata
      let rest = Infinity;
      let inProcess = Infinity;
      for (let run = 0; run < ctx.options.repeat; run++) {
        rest = Math.min(rest, await seconds(async () => {
          const result = await client.query(resultSql, { pageSize: PAGE });
          if (result.rows.length !== RESULT_ROWS) throw new Error(`REST returned ${result.rows.length} rows, expected ${RESULT_ROWS}`);
        }));
        inProcess = Math.min(inProcess, await seconds(async () => {
          const count = await service.service.run(resultSql, {}, async ({ statement }) => (await statement.runAndReadAll()).getRowObjectsJson().length);
          if (count !== RESULT_ROWS) throw new Error(`in-process read ${count} rows, expected ${RESULT_ROWS}`);
        }));
      }
      await service.stop();
      tables.push({
        title: `query: REST API overhead, ${formatCount(RESULT_ROWS)}-row result paged at ${PAGE} (${formatCount(rows)}-row dataset)`,
        columns: ['path', 'seconds', 'rows/s', 'vs. in-process'],
        rows: [
          ['REST: submit, poll, 200 pages of 500', formatSeconds(rest), formatCount(RESULT_ROWS / rest), formatRatio(rest / inProcess)],
          ['in-process: same query, rows as JSON objects', formatSeconds(inProcess), formatCount(RESULT_ROWS / inProcess), formatRatio(1)],
        ],
        notes: ['Both run the same translated query on the same engine (same instance, warm); REST adds the result table, paging and HTTP/JSON.'],
      });
      const countRow = rowsOut[0];
      targets.push({ description: `count(*) over ${formatCount(rows)} rows, warm, within 3× of local DuckDB`, measured: countRow[6], met: Number(countRow[6].replace('×', '')) <= 3 });
      targets.push({ description: `REST paging of ${formatCount(RESULT_ROWS)} rows within 3× of in-process`, measured: formatRatio(rest / inProcess), met: rest / inProcess <= 3 });
    }
    return { tables, targets };
  },
};

async function localTimes(dataset: LakeDataset, sql: string): Promise<{ cold: number; warm: number }> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    const cold = await seconds(() => connection.runAndReadAll(sql));
    const warm = await seconds(() => connection.runAndReadAll(sql));
    return { cold, warm };
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}
