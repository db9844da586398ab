// In-memory connectors for API tests, registered next to the real ones: a source with a
// secret, a known catalog and controllable check/discover, and a destination that
// supports every sync mode (the real S3 destination supports overwrite and append only).
import { CONNECTOR_DEFINITIONS, configError, type ConnectorDefinition, type Destination, type Source } from '@platform/connectors';
import type { AirbyteCatalog } from '@platform/protocol';

export const FAKE_SOURCE_ID = '00000000-0000-4000-8000-0000000f0001';
export const FAKE_DESTINATION_ID = '00000000-0000-4000-8000-0000000f0002';

export const FAKE_CATALOG: AirbyteCatalog = {
  streams: [
    {
      name: 'customers',
      namespace: 'public',
      json_schema: { type: 'object', properties: { id: { type: 'integer' }, name: { type: 'string' }, updated_at: { type: 'string' } } },
      supported_sync_modes: ['full_refresh', 'incremental'],
      source_defined_primary_key: [['id']],
      default_cursor_field: ['updated_at'],
    },
    {
      name: 'orders',
      namespace: 'public',
      json_schema: { type: 'object', properties: { order_id: { type: 'integer' }, created_at: { type: 'string' } } },
      supported_sync_modes: ['full_refresh', 'incremental'],
      source_defined_primary_key: [['order_id']],
    },
    {
      name: 'events',
      namespace: 'public',
      json_schema: { type: 'object', properties: { payload: { type: 'object' } } },
      supported_sync_modes: ['full_refresh'],
    },
  ],
};

interface FakeSourceConfig {
  api_key: string;
  /** "fail" makes check report FAILED (echoing the key, which must be scrubbed); "hang" never answers. */
  behaviour?: 'ok' | 'fail' | 'hang' | 'throw';
}

const hang = (signal?: AbortSignal) => new Promise<never>((_, reject) => signal?.addEventListener('abort', () => reject(new Error('aborted'))));

const fakeSource: Source<FakeSourceConfig> = {
  kind: 'source',
  name: 'source-fake',
  spec: () => ({
    connectionSpecification: {
      type: 'object',
      required: ['api_key'],
      properties: {
        api_key: { type: 'string', airbyte_secret: true },
        behaviour: { type: 'string', enum: ['ok', 'fail', 'hang', 'throw'], default: 'ok' },
        start_date: { type: 'string' },
      },
    },
  }),
  async check(config, ctx) {
    ctx.log('INFO', `checking with key ${config.api_key}`);
    if (config.behaviour === 'hang') return hang(ctx.signal);
    if (config.behaviour === 'throw') throw configError(`API key ${config.api_key} was rejected`);
    if (config.behaviour === 'fail') return { status: 'FAILED', message: `401 Unauthorized for key ${config.api_key}` };
    return { status: 'SUCCEEDED' };
  },
  async discover(config, ctx) {
    if (config.behaviour === 'hang') return hang(ctx.signal);
    if (config.behaviour === 'throw') throw configError('The API refused to list tables');
    return structuredClone(FAKE_CATALOG);
  },
  async *read() {},
};

const fakeDestination: Destination = {
  kind: 'destination',
  name: 'destination-fake',
  spec: () => ({
    supported_destination_sync_modes: ['overwrite', 'append', 'append_dedup'],
    connectionSpecification: { type: 'object', properties: { password: { type: 'string', airbyte_secret: true } } },
  }),
  async check() {
    return { status: 'SUCCEEDED' };
  },
  async *write() {},
};

const definition = (kind: 'source' | 'destination', id: string, name: string, connector: Source<any> | Destination): ConnectorDefinition => ({
  id,
  kind,
  name,
  displayName: name === 'source-fake' ? 'Fake API' : 'Fake Warehouse',
  dockerRepository: `airbyte/${name}`,
  dockerImageTag: '0.0.1',
  documentationUrl: 'https://example.invalid/docs',
  load: async () => connector,
});

export const TEST_CONNECTOR_DEFINITIONS: readonly ConnectorDefinition[] = [
  ...CONNECTOR_DEFINITIONS,
  definition('source', FAKE_SOURCE_ID, 'source-fake', fakeSource),
  definition('destination', FAKE_DESTINATION_ID, 'destination-fake', fakeDestination),
];

export const POSTGRES_SOURCE_DEFINITION_ID = 'decd338e-5647-4c0b-adf4-da0e75f5a750';
export const S3_DESTINATION_DEFINITION_ID = '4816b78f-1489-44c1-9060-4b19d5fa9362';

export const S3_CONFIG = {
  s3_bucket_name: 'datalake',
  s3_bucket_path: 'airbyte-data',
  s3_bucket_region: 'us-east-1',
  s3_endpoint: 'http://127.0.0.1:1',
  access_key_id: 'AKIA-TEST-KEY',
  secret_access_key: 's3-secret-value-123',
  format: { format_type: 'Parquet', compression_codec: 'GZIP', block_size_mb: 128 },
};
