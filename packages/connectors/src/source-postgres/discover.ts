import type { AirbyteCatalog } from '@platform/protocol';
import type { ConnectorContext } from '../framework/connector';
import { introspect, toAirbyteStream } from './catalog';
import { resolveConfig } from './config';
import { READ_CONNECT_TIMEOUT_MS, connect, errorContext } from './connection';
import { toConnectorError } from './errors';
import { sampleJsonProperties } from './json-properties';

/** Every table and view the user may SELECT from in the configured schemas. */
export async function discoverPostgres(rawConfig: unknown, ctx: ConnectorContext): Promise<AirbyteCatalog> {
  const config = resolveConfig(rawConfig);
  const client = await connect(config, { connectTimeoutMs: READ_CONNECT_TIMEOUT_MS, ctx });
  try {
    const tables = await introspect(client, config.schemas);
    const streams = [];
    for (const table of tables) streams.push(toAirbyteStream(table, await sampleJsonProperties(client, table, ctx)));
    return { streams };
  } catch (err) {
    throw toConnectorError(err, errorContext(config));
  } finally {
    await client.end().catch(() => {});
  }
}
