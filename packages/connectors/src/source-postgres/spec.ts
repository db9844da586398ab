// Airbyte's source-postgres spec (field names, titles and oneOf shapes as in airbyte/source-postgres),
// limited to what this connector implements: Standard and Logical Replication (CDC), no SSH tunnel.
import type { ConnectorSpecification, JsonSchema } from '@platform/protocol';

const certificateFields: Record<string, JsonSchema> = {
  ca_certificate: { type: 'string', title: 'CA Certificate', description: 'CA certificate', airbyte_secret: true, multiline: true, order: 1 },
  client_certificate: { type: 'string', title: 'Client Certificate', description: 'Client certificate', airbyte_secret: true, multiline: true, order: 2 },
  client_key: { type: 'string', title: 'Client Key', description: 'Client key', airbyte_secret: true, multiline: true, order: 3 },
  client_key_password: {
    type: 'string',
    title: 'Client key password',
    description: 'Password for the client key, if it is encrypted.',
    airbyte_secret: true,
    order: 4,
  },
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

export const SSL_MODES = ['disable', 'allow', 'prefer', 'require', 'verify-ca', 'verify-full'] as const;

export const spec: ConnectorSpecification = {
  documentationUrl: 'https://docs.airbyte.com/integrations/sources/postgres',
  supportsIncremental: true,
  supportsNormalization: false,
  supportsDBT: false,
  connectionSpecification: {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: 'Postgres Source Spec',
    type: 'object',
    required: ['host', 'port', 'database', 'username'],
    properties: {
      host: { title: 'Host', description: 'Hostname of the database.', type: 'string', minLength: 1, order: 0, group: 'db' },
      port: { title: 'Port', description: 'Port of the database.', type: 'integer', minimum: 0, maximum: 65536, default: 5432, examples: ['5432'], order: 1, group: 'db' },
      database: { title: 'Database Name', description: 'Name of the database.', type: 'string', minLength: 1, order: 2, group: 'db' },
      schemas: {
        title: 'Schemas',
        description: 'The list of schemas (case sensitive) to sync from. Defaults to public.',
        type: 'array',
        items: { type: 'string' },
        minItems: 0,
        uniqueItems: true,
        default: ['public'],
        order: 3,
        group: 'db',
      },
      username: { title: 'Username', description: 'Username to access the database.', type: 'string', order: 4, group: 'auth' },
      password: {
        title: 'Password',
        description: 'Password associated with the username.',
        type: 'string',
        airbyte_secret: true,
        order: 5,
        group: 'auth',
        always_show: true,
      },
      jdbc_url_params: {
        title: 'JDBC URL Parameters (Advanced)',
        description:
          "Additional properties to pass to the JDBC URL string when connecting to the database formatted as 'key=value' pairs separated by the symbol '&'. (Eg. key1=value1&key2=value2&key3=value3). Supported here: ApplicationName, connectTimeout (seconds), options; other keys are ignored.",
        type: 'string',
        order: 6,
        group: 'advanced',
        pattern_descriptor: 'key1=value1&key2=value2',
      },
      ssl_mode: {
        title: 'SSL Modes',
        description: 'SSL connection modes.',
        type: 'object',
        order: 8,
        group: 'security',
        default: { mode: 'prefer' },
        oneOf: [
          sslMode('disable', 'Disables encryption of communication between Airbyte and source database.'),
          sslMode('allow', 'Enables encryption only when required by the source database.'),
          sslMode('prefer', 'Allows unencrypted connection only if the source database does not support encryption.'),
          sslMode('require', 'Always require encryption. If the source database server does not support encryption, connection will fail.'),
          sslMode('verify-ca', 'Always require encryption and verifies that the source database server has a valid SSL certificate.', true),
          sslMode('verify-full', 'This is the most secure mode. Always require encryption and verifies the identity of the source database server.', true),
        ],
      },
      replication_method: {
        type: 'object',
        title: 'Replication Method',
        description: 'Replication method for extracting data from the database.',
        order: 9,
        group: 'advanced',
        default: { method: 'Standard' },
        oneOf: [
          {
            title: 'Standard',
            description: 'Standard replication requires no setup on the DB side but will not be able to represent deletions incrementally.',
            required: ['method'],
            properties: { method: { type: 'string', const: 'Standard', order: 0 } },
          },
          {
            title: 'Logical Replication (CDC)',
            description:
              'Logical replication reads inserts, updates and deletes from the write-ahead log through a replication slot (pgoutput). It needs wal_level = logical, a replication slot, a publication and a user with REPLICATION.',
            required: ['method', 'replication_slot', 'publication'],
            additionalProperties: true,
            properties: {
              method: { type: 'string', const: 'CDC', order: 1 },
              plugin: {
                type: 'string',
                title: 'Plugin',
                description: 'A logical decoding plugin installed on the PostgreSQL server.',
                enum: ['pgoutput'],
                default: 'pgoutput',
                order: 2,
              },
              replication_slot: {
                type: 'string',
                title: 'Replication Slot',
                description: "A logical replication slot for this connection alone, created with SELECT pg_create_logical_replication_slot('<name>', 'pgoutput').",
                minLength: 1,
                order: 3,
              },
              publication: {
                type: 'string',
                title: 'Publication',
                description: 'A publication of the tables to replicate, created with CREATE PUBLICATION <name> FOR TABLE <tables>.',
                minLength: 1,
                order: 4,
              },
              initial_waiting_seconds: {
                type: 'integer',
                title: 'Initial Waiting Time in Seconds (Advanced)',
                description:
                  'How long a sync waits for the server: for transactions open before a snapshot to end, and for anything from the write-ahead log. Past it the sync fails, naming what it waited for. Valid range: 120 to 2400 seconds.',
                default: 1200,
                minimum: 120,
                maximum: 2400,
                order: 5,
              },
              lsn_commit_behaviour: {
                type: 'string',
                title: 'LSN commit behaviour',
                description:
                  'When the replication slot is told that changes were consumed: at the start of the next sync, for the position the destination committed. "While reading Data" is not offered: a sync failing after such a commit loses changes.',
                enum: ['After loading Data in the destination'],
                default: 'After loading Data in the destination',
                order: 6,
              },
            },
          },
        ],
      },
    },
    groups: [{ id: 'db' }, { id: 'auth' }, { id: 'security', title: 'Security' }, { id: 'advanced', title: 'Advanced' }],
  },
};
