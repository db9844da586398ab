// Airbyte's destination-postgres spec (field names, titles and the ssl_mode oneOf as Airbyte
// names them) plus the guide's normalization choice: raw JSON tables only, or Basic
// normalization into typed tables.
import type { ConnectorSpecification, JsonSchema } from '@platform/protocol';

const certificateFields: Record<string, JsonSchema> = {
  ca_certificate: { type: 'string', title: 'CA certificate', description: 'CA certificate', airbyte_secret: true, multiline: true, order: 1 },
  client_certificate: { type: 'string', title: 'Client certificate', description: 'Client certificate', airbyte_secret: true, multiline: true, order: 2 },
  client_key: { type: 'string', title: 'Client key', description: 'Client key', airbyte_secret: true, multiline: true, order: 3 },
  client_key_password: { type: 'string', title: 'Client key password', description: 'Password for the client key, if it is encrypted.', airbyte_secret: true, order: 4 },
};

function sslMode(mode: string, description: string, withCertificates = false): JsonSchema {
  return {
    title: mode,
    additionalProperties: true,
    description,
    required: withCertificates ? ['mode', 'ca_certificate'] : ['mode'],
    properties: { mode: { type: 'string', const: mode, order: 0 }, ...(withCertificates ? certificateFields : {}) },
  };
}

export const NORMALIZATION_MODES = ['none', 'basic'] as const;

export const spec: ConnectorSpecification = {
  documentationUrl: 'https://docs.airbyte.com/integrations/destinations/postgres',
  supportsIncremental: true,
  supportsNormalization: true,
  supportsDBT: true,
  supported_destination_sync_modes: ['overwrite', 'append', 'append_dedup'],
  connectionSpecification: {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: 'Postgres Destination Spec',
    type: 'object',
    required: ['host', 'port', 'username', 'database', 'schema'],
    additionalProperties: true,
    properties: {
      host: { title: 'Host', description: 'Hostname of the database.', type: 'string', minLength: 1, order: 0 },
      port: { title: 'Port', description: 'Port of the database.', type: 'integer', minimum: 0, maximum: 65536, default: 5432, examples: ['5432'], order: 1 },
      database: { title: 'DB Name', description: 'Name of the database.', type: 'string', minLength: 1, order: 2 },
      schema: {
        title: 'Default Schema',
        description: 'The default schema tables are written to if the source does not specify a namespace. The usual value for this field is "public".',
        type: 'string',
        minLength: 1,
        examples: ['public'],
        default: 'public',
        order: 3,
      },
      username: { title: 'User', description: 'Username to use to access the database.', type: 'string', minLength: 1, order: 4 },
      password: { title: 'Password', description: 'Password associated with the username.', type: 'string', airbyte_secret: true, order: 5 },
      ssl_mode: {
        title: 'SSL modes',
        description: 'SSL connection modes.',
        type: 'object',
        order: 7,
        default: { mode: 'prefer' },
        oneOf: [
          sslMode('disable', 'Disable SSL.'),
          sslMode('allow', 'Allow SSL mode.'),
          sslMode('prefer', 'Prefer SSL mode.'),
          sslMode('require', 'Require SSL mode.'),
          sslMode('verify-ca', 'Verify-ca SSL mode.', true),
          sslMode('verify-full', 'Verify-full SSL mode.', true),
        ],
      },
      normalization: {
        title: 'Normalization',
        description:
          'none: only the raw tables _airbyte_raw_<stream> (_airbyte_ab_id, _airbyte_emitted_at, _airbyte_data jsonb), which keep every record in every sync mode. basic: also a typed table per stream, nested objects flattened into <field>_<key> columns and arrays in child tables <stream>_<field>; with Incremental | Deduped it holds one row per primary key.',
        type: 'string',
        enum: [...NORMALIZATION_MODES],
        default: 'none',
        order: 8,
      },
    },
  },
};
