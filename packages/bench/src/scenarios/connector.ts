// Postgres → S3 Parquet: the built-in connectors against the bare bulk path they are built on,
// on real Postgres and real SeaweedFS, for each --rows table size.
import { join } from 'node:path';
import pg from 'pg';
import { PostgresService, SeaweedService } from '@platform/services';
import type { Scenario } from '../scenario';
import { measureSize, type SizeMeasurement } from '../connector/measure-size';
import { connectorReport } from '../connector/report';
import type { PostgresEndpoint, S3Endpoint } from '../connector/endpoints';

const DATABASE = 'bench';
const BUCKET = 'bench';

export const scenario: Scenario = {
  description: 'Postgres → S3 Parquet ZSTD: sourcePostgres → destinationS3 vs. COPY → DuckDB → Upload',
  async run(ctx) {
    ctx.log('starting Postgres and SeaweedFS');
    const postgresService = await new PostgresService({ dataDir: join(ctx.workDir, 'postgres') }).start();
    ctx.defer(() => postgresService.stop());
    const seaweed = await new SeaweedService({ dataDir: join(ctx.workDir, 'seaweed') }).start();
    ctx.defer(() => seaweed.stop());

    await postgresService.createDatabase(DATABASE);
    await seaweed.createBucket(BUCKET);
    const { host, port, user, password } = postgresService;
    const postgres: PostgresEndpoint = { host, port, user, password, database: DATABASE };
    const { endpoint, region, accessKeyId, secretAccessKey } = seaweed;
    const s3: S3Endpoint = { endpoint, region, accessKeyId, secretAccessKey, bucket: BUCKET };

    const admin = new pg.Client(postgres);
    await admin.connect();
    ctx.defer(() => admin.end());

    const sizes: SizeMeasurement[] = [];
    for (const rows of ctx.options.rows) {
      sizes.push(await measureSize({ admin, postgres, s3, workDir: ctx.workDir, repeat: ctx.options.repeat, log: ctx.log }, rows));
    }
    return connectorReport(sizes, ctx.options.repeat);
  },
};
