// Configs and catalogs of the Postgres → Postgres scenario, as a user would set the connection up:
// destination-postgres in Airbyte's field names, streams from source-postgres's own discover.
import type { ConfiguredAirbyteCatalog, ConfiguredAirbyteStream } from '@platform/protocol';
import { benchConnectorContext, loadSource } from '../connector/connector-setup';
import type { PostgresEndpoint } from '../connector/endpoints';

export type Normalization = 'none' | 'basic';

/** The streams keep the source's namespace (public), as a connection with "source namespace" does. */
export function destinationPostgresConfig(postgres: PostgresEndpoint, normalization: Normalization): Record<string, unknown> {
  return {
    host: postgres.host,
    port: postgres.port,
    database: postgres.database,
    schema: 'public',
    username: postgres.user,
    password: postgres.password,
    ssl_mode: { mode: 'disable' },
    normalization,
  };
}

/** One discovered table configured as `how` says (sync modes, cursor, key). */
export async function catalogOf(
  sourceConfig: Record<string, unknown>,
  table: string,
  how: Omit<ConfiguredAirbyteStream, 'stream'>,
): Promise<ConfiguredAirbyteCatalog> {
  const source = await loadSource('source-postgres');
  const { streams } = await source.discover(sourceConfig, benchConnectorContext);
  const stream = streams.find((s) => s.name === table && (s.namespace ?? 'public') === 'public');
  if (!stream) throw new Error(`source-postgres did not discover public.${table}`);
  return { streams: [{ stream, ...how }] };
}
