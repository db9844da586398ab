// The connector specification, field for field as Airbyte's destination-s3 names them, so
// configs written for Airbyte (UI, API, Terraform) validate here unchanged.
import type { ConnectorSpecification } from '@platform/protocol';

export const DEFAULT_S3_PATH_FORMAT = '${NAMESPACE}/${STREAM_NAME}/${YEAR}_${MONTH}_${DAY}_${EPOCH}_';

const compression = (extension: string) => ({
  title: 'Compression',
  type: 'object',
  description: `Whether the output files should be compressed. With GZIP the file name gets an extra extension ("${extension}.gz").`,
  default: { compression_type: 'No Compression' },
  oneOf: [
    {
      title: 'No Compression',
      required: ['compression_type'],
      properties: { compression_type: { type: 'string', enum: ['No Compression'], default: 'No Compression' } },
    },
    {
      title: 'GZIP',
      required: ['compression_type'],
      properties: { compression_type: { type: 'string', enum: ['GZIP'], default: 'GZIP' } },
    },
  ],
});

const flattening = (what: string) => ({
  type: 'string',
  title: 'Flattening',
  description: `Whether the record's root-level fields become separate ${what}, instead of one _airbyte_data JSON value.`,
  default: 'No flattening',
  enum: ['No flattening', 'Root level flattening'],
});

export const spec: ConnectorSpecification = {
  documentationUrl: 'https://docs.airbyte.com/integrations/destinations/s3',
  supportsIncremental: true,
  supportsNormalization: false,
  supportsDBT: false,
  // S3 objects cannot be updated in place, so there is no deduplicated mode.
  supported_destination_sync_modes: ['overwrite', 'append'],
  connectionSpecification: {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: 'S3 Destination Spec',
    type: 'object',
    required: ['s3_bucket_name', 's3_bucket_path', 's3_bucket_region', 'access_key_id', 'secret_access_key', 'format'],
    additionalProperties: true,
    properties: {
      access_key_id: {
        type: 'string',
        title: 'S3 Key ID',
        description: 'The access key ID to access the S3 bucket. It needs read, write, list and delete permissions on the bucket.',
        airbyte_secret: true,
        minLength: 1,
        examples: ['A012345678910EXAMPLE'],
        order: 0,
      },
      secret_access_key: {
        type: 'string',
        title: 'S3 Access Key',
        description: 'The corresponding secret to the access key ID.',
        airbyte_secret: true,
        minLength: 1,
        examples: ['a012345678910ABCDEFGH/AbCdEfGhEXAMPLEKEY'],
        order: 1,
      },
      s3_bucket_name: {
        title: 'S3 Bucket Name',
        type: 'string',
        description: 'The name of the S3 bucket. It must already exist.',
        minLength: 1,
        examples: ['airbyte_sync'],
        order: 2,
      },
      s3_bucket_path: {
        title: 'S3 Bucket Path',
        type: 'string',
        description: 'Directory under the bucket where data will be written. May use the same ${...} variables as the S3 Path Format.',
        examples: ['data_sync/test', 'airbyte-data/${NAMESPACE}/${STREAM_NAME}'],
        order: 3,
      },
      s3_bucket_region: {
        title: 'S3 Bucket Region',
        type: 'string',
        default: '',
        description: 'The region of the S3 bucket (empty means us-east-1, which S3-compatible servers accept).',
        examples: ['us-east-1'],
        order: 4,
      },
      format: {
        title: 'Output Format',
        type: 'object',
        description: 'Format of the data output.',
        order: 5,
        oneOf: [
          {
            title: 'CSV: Comma-Separated Values',
            required: ['format_type'],
            properties: {
              format_type: { title: 'Format Type', type: 'string', enum: ['CSV'], default: 'CSV' },
              flattening: flattening('CSV columns'),
              compression: compression('.csv'),
            },
          },
          {
            title: 'JSON Lines: Newline-delimited JSON',
            required: ['format_type'],
            properties: {
              format_type: { title: 'Format Type', type: 'string', enum: ['JSONL'], default: 'JSONL' },
              flattening: flattening('JSON properties'),
              compression: compression('.jsonl'),
            },
          },
          {
            title: 'Parquet: Columnar Storage',
            required: ['format_type'],
            properties: {
              format_type: { title: 'Format Type', type: 'string', enum: ['Parquet'], default: 'Parquet' },
              compression_codec: {
                title: 'Compression Codec',
                description: 'The compression algorithm used to compress data pages. LZO, BROTLI and LZ4 are listed for compatibility with Airbyte configs but are refused.',
                type: 'string',
                enum: ['UNCOMPRESSED', 'SNAPPY', 'GZIP', 'LZO', 'BROTLI', 'LZ4', 'ZSTD'],
                default: 'UNCOMPRESSED',
              },
              block_size_mb: {
                title: 'Block Size (Row Group Size) (MB)',
                description: 'Upper bound of a row group in MB. Larger row groups read faster but need more memory to write. Default: 128 MB.',
                type: 'integer',
                minimum: 1,
                default: 128,
                examples: [128],
              },
              max_padding_size_mb: {
                title: 'Max Padding Size (MB)',
                description: 'Accepted for compatibility; the Parquet writer used here does not pad row groups.',
                type: 'integer',
                minimum: 0,
                default: 8,
                examples: [8],
              },
              page_size_kb: {
                title: 'Page Size (KB)',
                description: 'Accepted for compatibility; the Parquet writer used here sizes data pages itself.',
                type: 'integer',
                minimum: 1,
                default: 1024,
                examples: [1024],
              },
              dictionary_page_size_kb: {
                title: 'Dictionary Page Size (KB)',
                description: 'Upper bound of a column dictionary in KB. Default: 1024 KB.',
                type: 'integer',
                minimum: 1,
                default: 1024,
                examples: [1024],
              },
              dictionary_encoding: {
                title: 'Dictionary Encoding',
                description: 'Whether dictionary encoding is used. Default: true.',
                type: 'boolean',
                default: true,
              },
            },
          },
        ],
      },
      s3_endpoint: {
        title: 'Endpoint',
        type: 'string',
        default: '',
        description: 'URL of an S3-compatible server (MinIO, SeaweedFS, ...). Leave empty for AWS S3.',
        examples: ['http://localhost:9000'],
        order: 6,
      },
      s3_path_format: {
        title: 'S3 Path Format',
        type: 'string',
        description:
          'How data is organised under the bucket path. Variables: ${NAMESPACE} ${STREAM_NAME} ${YEAR} ${MONTH} ${DAY} ${HOUR} ${MINUTE} ${SECOND} ${MILLISECOND} ${EPOCH} ${UUID}.',
        default: DEFAULT_S3_PATH_FORMAT,
        examples: [DEFAULT_S3_PATH_FORMAT],
        order: 7,
      },
      file_name_pattern: {
        title: 'File Name Pattern',
        type: 'string',
        description:
          'File name format. Placeholders: {date} {date:yyyy_MM} {timestamp} {timestamp:millis} {timestamp:micros} {part_number} {sync_id} {format_extension}. A missing {part_number} is appended as _{part_number}, a missing {format_extension} at the end.',
        examples: ['{date}', '{date:yyyy_MM}', '{timestamp}', '{part_number}', '{sync_id}'],
        order: 8,
      },
    },
  },
};
