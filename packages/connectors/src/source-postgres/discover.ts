import type pg from 'pg';
import type { AirbyteCatalog } from '@platform/protocol';
import type { ConnectorContext } from '../framework/connector';
import { introspect, toAirbyteStream } from './catalog';
import { cdcMethod, resolveConfig } from './config';
import { READ_CONNECT_TIMEOUT_MS, connect, errorContext } from './connection';
import { toConnectorError } from './errors';
import { sampleJsonProperties } from './json-properties';

/** "schema.table" of each relation in the publication (none when it does not exist: check says so). */
async function publishedRelations(client: pg.Client, publication: string): Promise<Set<string>> {
  const { rows } = await client.query<{ name: string }>(`SELECT schemaname || '.' || tablename AS name FROM pg_publication_tables WHERE pubname = $1`, [publication]);
  return new Set(rows.map((r) => r.name));
}

/** Every table and view the user may SELECT from in the configured schemas. */
export async function discoverPostgres(rawConfig: unknown, ctx: ConnectorContext): Promise<AirbyteCatalog> {
  const config = resolveConfig(rawConfig);
  const client = await connect(config, { connectTimeoutMs: READ_CONNECT_TIMEOUT_MS, ctx });
  try {
    const tables = await introspect(client, config.schemas);
    const cdc = cdcMethod(config);
    const published = cdc ? await publishedRelations(client, cdc.publication) : undefined;
    const streams = [];
    for (const table of tables) {
      const replicated = published ? { replicated: table.primaryKey.length > 0 && published.has(`${table.namespace}.${table.name}`) } : undefined;
      streams.push(toAirbyteStream(table, await sampleJsonProperties(client, table, ctx), replicated));
    }
    return { streams };
  } catch (err) {
    throw toConnectorError(err, errorContext(config));
  } finally {
    await client.end().catch(() => {});
  }
}
