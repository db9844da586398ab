// Airbyte source-file's spec, narrowed to what this connector implements: field names,
// titles and the `provider` oneOf keyed by `storage` match Airbyte's so configs carry over.
import type { ConnectorSpecification } from '@platform/protocol';

export const FILE_FORMATS = ['csv', 'jsonl'] as const;
export const STORAGE_KINDS = ['HTTPS', 'S3', 'local'] as const;

export const spec: ConnectorSpecification = {
  documentationUrl: 'https://docs.airbyte.com/integrations/sources/file',
  supportsIncremental: false,
  connectionSpecification: {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: 'File Source Spec',
    type: 'object',
    additionalProperties: true,
    required: ['dataset_name', 'format', 'url', 'provider'],
    properties: {
      dataset_name: {
        type: 'string',
        minLength: 1,
        title: 'Dataset Name',
        description: 'The name of the final table to replicate this file into (letters, numbers, dashes and underscores).',
        order: 0,
      },
      format: {
        type: 'string',
        enum: [...FILE_FORMATS],
        default: 'csv',
        title: 'File Format',
        description: 'The format of the file: csv, or jsonl (one JSON object per line).',
        order: 1,
      },
      reader_options: {
        type: 'string',
        title: 'Reader Options',
        description:
          'A JSON object with pandas-style options. Honoured: sep (or delimiter), header (0, n or null), names, quotechar, quoting (3 = none), ' +
          'doublequote, escapechar, encoding (utf-8, latin1, cp1252, utf-16, ...), skiprows, nrows, na_values, keep_default_na, compression ("infer" detects gzip by content, "gzip", or null). ' +
          'jsonl honours encoding, compression and nrows. Other keys are ignored with a warning.',
        examples: ['{}', '{"sep": ";"}', '{"header": null, "encoding": "latin1"}'],
        order: 2,
      },
      url: {
        type: 'string',
        minLength: 1,
        title: 'URL',
        description: 'Where the file is: a local path, an http(s):// URL, or s3://bucket/key. Gzip content (.gz files) is detected and decompressed.',
        examples: ['/data/people.csv', 'https://example.com/people.csv', 's3://my-bucket/people.csv.gz'],
        order: 3,
      },
      provider: {
        type: 'object',
        title: 'Storage Provider',
        description: 'The storage provider or location of the file.',
        order: 4,
        oneOf: [
          {
            title: 'HTTPS: Public Web',
            required: ['storage'],
            properties: {
              storage: { type: 'string', const: 'HTTPS' },
              user_agent: { type: 'boolean', title: 'User-Agent', default: false, description: 'Add User-Agent to request' },
            },
          },
          {
            title: 'S3: Amazon Web Services',
            required: ['storage'],
            properties: {
              storage: { type: 'string', title: 'Storage', const: 'S3' },
              aws_access_key_id: {
                type: 'string',
                title: 'AWS Access Key ID',
                description: 'Credentials for a private bucket; leave both keys empty for a public one.',
                airbyte_secret: true,
              },
              aws_secret_access_key: {
                type: 'string',
                title: 'AWS Secret Access Key',
                description: 'Credentials for a private bucket; leave both keys empty for a public one.',
                airbyte_secret: true,
              },
              endpoint: {
                type: 'string',
                title: 'Endpoint',
                description: 'For S3-compatible servers (SeaweedFS, MinIO, ...): the server URL, e.g. http://127.0.0.1:8333. Empty = AWS.',
                examples: ['http://127.0.0.1:8333'],
              },
              region: { type: 'string', title: 'Region', default: 'us-east-1', description: 'The bucket region (used for request signing).' },
            },
          },
          {
            title: 'Local Filesystem (limited)',
            required: ['storage'],
            properties: {
              storage: {
                type: 'string',
                title: 'Storage',
                description: 'A path on the machine running the connector.',
                const: 'local',
              },
            },
          },
        ],
      },
    },
  },
};
