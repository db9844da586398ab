// Postgres → Postgres (issue 10, point 6): for each --rows size, a full refresh through
// source-postgres → destination-postgres, raw and with Basic normalization, against COPY between
// the same two databases, then an incremental sync of 1% changed rows; and once, CDC under a
// steady write load. One embedded cluster, a source database and one per destination; every output checked value by value.
import { loadavg } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { PostgresService } from '@platform/services';
import type { Scenario } from '../scenario';
import { sourcePostgresConfig } from '../connector/connector-setup';
import type { PostgresEndpoint } from '../connector/endpoints';
import { benchTableName, createSourceTable } from '../connector/source-table';
import { sourceChecksum } from '../peers/checksum';
import { DESTINATIONS, type Database, type DestinationName, type PostgresEnv } from '../postgres/env';
import { measureCdc, type CdcResult } from '../postgres/measure-cdc';
import { measureFullRefresh } from '../postgres/measure-full-refresh';
import { measureIncremental } from '../postgres/measure-incremental';
import { postgresReport, type PostgresSize } from '../postgres/report';

const SOURCE_DATABASE = 'source_db';
const POSTGRES_PARTS = ['full-refresh', 'incremental', 'cdc'];

export const scenario: Scenario = {
  description: 'Postgres → Postgres: source-postgres → destination-postgres (raw, Basic) vs. COPY | COPY; incremental of 1% changed rows; CDC changes/s and lag under write load',
  async run(ctx) {
    ctx.log('starting Postgres');
    const service = await new PostgresService({ dataDir: join(ctx.workDir, 'postgres'), persistent: false }).start();
    ctx.defer(() => service.stop());
    const { host, port, user, password } = service;
    const database = async (name: string): Promise<Database> => {
      await service.createDatabase(name);
      const endpoint: PostgresEndpoint = { host, port, user, password, database: name };
      const client = new pg.Client(endpoint);
      await client.connect();
      ctx.defer(() => client.end());
      return { endpoint, client };
    };
    const source = await database(SOURCE_DATABASE);
    const destinations = {} as Record<DestinationName, Database>;
    for (const name of DESTINATIONS) destinations[name] = await database(`dest_${name}`);
    const writerDb = new pg.Client(source.endpoint);
    await writerDb.connect();
    ctx.defer(() => writerDb.end());
    const parts = ctx.options.parts ?? POSTGRES_PARTS;
    const unknown = parts.filter((p) => !POSTGRES_PARTS.includes(p));
    if (unknown.length) throw new Error(`--parts: unknown ${unknown.join(', ')}; the postgres scenario's parts are ${POSTGRES_PARTS.join(', ')}`);
    const env: PostgresEnv = { source, destinations, writerDb, sourceConfig: sourcePostgresConfig(source.endpoint), repeat: ctx.options.repeat, log: ctx.log };

    const sizes: PostgresSize[] = [];
    for (const rows of ctx.options.rows) {
      const loadAtStart = loadavg()[0];
      const table = benchTableName(rows);
      const started = performance.now();
      await createSourceTable(source.client, table, rows);
      const checksum = await sourceChecksum(source.client, table);
      ctx.log(`${table}: generated in ${((performance.now() - started) / 1000).toFixed(1)} s, checksum ${checksum.checksum}`);
      // The incremental part compares with the Basic full refresh, so it needs that part too.
      const fullRefresh = parts.includes('full-refresh') || parts.includes('incremental') ? await measureFullRefresh(env, table, checksum) : undefined;
      const incremental = parts.includes('incremental') ? await measureIncremental(env, table, rows) : undefined;
      sizes.push({ table, checksum, loadAverage: [loadAtStart, loadavg()[0]], fullRefresh, incremental });
      // The next size's tables need the disk more than these do.
      await source.client.query(`DROP TABLE ${table}`);
      for (const { client } of Object.values(destinations)) await client.query(`DROP TABLE IF EXISTS ${table}, _airbyte_raw_${table}`);
    }

    let cdc: CdcResult | undefined;
    if (parts.includes('cdc')) {
      ctx.log('CDC under a steady write load');
      cdc = await measureCdc(env);
    }
    return postgresReport(sizes, cdc, ctx.options.repeat);
  },
};
