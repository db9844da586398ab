// The connectors' side of the benchmark as a worker would set it up: configs in the connectors'
// own (Airbyte) field names, and a configured catalog taken from the source's discover.
import type { ConfiguredAirbyteCatalog } from '@platform/protocol';
import { findDefinition, type ConnectorContext, type Destination, type Source } from '@platform/connectors';
import type { PostgresEndpoint, S3Endpoint } from './endpoints';

/** Loads a connector through the registry, as the worker does. */
export async function loadSource(name: string): Promise<Source> {
  const connector = await findDefinition(name)?.load();
  if (connector?.kind !== 'source') throw new Error(`${name} is not a registered source`);
  return connector;
}

export async function loadDestination(name: string): Promise<Destination> {
  const connector = await findDefinition(name)?.load();
  if (connector?.kind !== 'destination') throw new Error(`${name} is not a registered destination`);
  return connector;
}

/** Connector LOG messages below WARN are progress chatter; the rest goes to stderr. */
export const benchConnectorContext: ConnectorContext = {
  log(level, message) {
    if (level === 'WARN' || level === 'ERROR' || level === 'FATAL') process.stderr.write(`[connector ${level}] ${message}\n`);
  },
};

export function sourcePostgresConfig(postgres: PostgresEndpoint): Record<string, unknown> {
  return {
    host: postgres.host,
    port: postgres.port,
    database: postgres.database,
    schemas: ['public'],
    username: postgres.user,
    password: postgres.password,
    // The local server has no TLS; "prefer" would only add a refused handshake.
    ssl_mode: { mode: 'disable' },
    replication_method: { method: 'Standard' },
  };
}

export function destinationS3ParquetConfig(s3: S3Endpoint, bucketPath: string): Record<string, unknown> {
  return {
    s3_bucket_name: s3.bucket,
    s3_bucket_path: bucketPath,
    s3_bucket_region: s3.region,
    s3_endpoint: s3.endpoint,
    access_key_id: s3.accessKeyId,
    secret_access_key: s3.secretAccessKey,
    format: { format_type: 'Parquet', compression_codec: 'ZSTD' },
  };
}

/** The one table as a full-refresh, overwrite stream, with the schema the source itself discovers. */
export async function fullRefreshCatalog(sourceConfig: Record<string, unknown>, table: string): Promise<ConfiguredAirbyteCatalog> {
  const source = await loadSource('source-postgres');
  const { streams } = await source.discover(sourceConfig, benchConnectorContext);
  const stream = streams.find((s) => s.name === table && (s.namespace ?? 'public') === 'public');
  if (!stream) throw new Error(`source-postgres did not discover public.${table}`);
  return { streams: [{ stream, sync_mode: 'full_refresh', destination_sync_mode: 'overwrite' }] };
}
