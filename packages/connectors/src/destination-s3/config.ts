// The config as users write it (Airbyte's field names) and the settings the writer runs on:
// validated against the spec, defaults filled in, unsupported choices refused up front.
import type { ConfigProblem } from '../framework/connector';
import { invalidConfigError, validateConfig } from '../framework/config';
import { parseKeyTemplate, templatePathProblems, type KeyTemplate } from './object-keys';
import { DEFAULT_S3_PATH_FORMAT, spec } from './spec';

export type ParquetCodec = 'UNCOMPRESSED' | 'SNAPPY' | 'GZIP' | 'LZO' | 'BROTLI' | 'LZ4' | 'ZSTD';
type Flattening = 'No flattening' | 'Root level flattening';
type Compression = { compression_type: 'No Compression' | 'GZIP' };

export type S3FormatConfig =
  | {
      format_type: 'Parquet';
      compression_codec?: ParquetCodec;
      block_size_mb?: number;
      max_padding_size_mb?: number;
      page_size_kb?: number;
      dictionary_page_size_kb?: number;
      dictionary_encoding?: boolean;
    }
  | { format_type: 'JSONL'; flattening?: Flattening; compression?: Compression }
  | { format_type: 'CSV'; flattening?: Flattening; compression?: Compression };

export interface S3DestinationConfig {
  s3_bucket_name: string;
  s3_bucket_path: string;
  s3_bucket_region: string;
  s3_endpoint?: string;
  access_key_id: string;
  secret_access_key: string;
  s3_path_format?: string;
  file_name_pattern?: string;
  format: S3FormatConfig;
}

export type ParquetSettings = {
  type: 'parquet';
  codec: 'uncompressed' | 'snappy' | 'gzip' | 'zstd';
  rowGroupBytes: number;
  dictionaryEncoding: boolean;
  dictionaryPageBytes: number;
};
export type TextSettings = { type: 'jsonl' | 'csv'; flatten: boolean; gzip: boolean };
export type FormatSettings = ParquetSettings | TextSettings;

export interface S3Settings {
  bucket: string;
  bucketPath: string;
  region: string;
  /** Empty for AWS itself. */
  endpoint: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** s3_bucket_path + s3_path_format + file_name_pattern, parsed. */
  keyTemplate: KeyTemplate;
  format: FormatSettings;
}

// Codecs Airbyte offers that the DuckDB Parquet writer cannot produce as Airbyte does.
const REFUSED_CODECS: Partial<Record<ParquetCodec, string>> = {
  LZO: 'the Parquet writer has no LZO support',
  LZ4: "the Parquet writer only produces LZ4_RAW, which readers of Airbyte's Hadoop-LZ4 files may not read",
  BROTLI: 'BROTLI is not supported by this destination',
};

const MB = 1024 * 1024;

const pathFormatOf = (config: S3DestinationConfig) => config.s3_path_format || DEFAULT_S3_PATH_FORMAT;

/**
 * What the spec's JSON Schema cannot say (the connector's `validate` hook): where keys may go
 * and whether streams stay apart (object-keys.ts), and codecs the Parquet writer cannot produce.
 */
export function s3ConfigProblems(config: S3DestinationConfig): ConfigProblem[] {
  const problems = templatePathProblems(config.s3_bucket_path, pathFormatOf(config), config.file_name_pattern || undefined);
  if (config.format.format_type === 'Parquet') {
    const codec = config.format.compression_codec ?? 'UNCOMPRESSED';
    const refusal = REFUSED_CODECS[codec];
    if (refusal) problems.push({ path: 'format.compression_codec', message: `${codec} is not supported (${refusal}); use UNCOMPRESSED, SNAPPY, GZIP or ZSTD` });
  }
  return problems;
}

function formatSettings(format: S3FormatConfig): FormatSettings {
  switch (format.format_type) {
    case 'Parquet': {
      const codec = format.compression_codec ?? 'UNCOMPRESSED';
      return {
        type: 'parquet',
        codec: codec.toLowerCase() as ParquetSettings['codec'],
        rowGroupBytes: (format.block_size_mb ?? 128) * MB,
        dictionaryEncoding: format.dictionary_encoding !== false,
        dictionaryPageBytes: (format.dictionary_page_size_kb ?? 1024) * 1024,
      };
    }
    case 'JSONL':
    case 'CSV':
      return {
        type: format.format_type === 'JSONL' ? 'jsonl' : 'csv',
        flatten: format.flattening === 'Root level flattening',
        gzip: format.compression?.compression_type === 'GZIP',
      };
  }
}

/** Validates a raw config against the spec and turns it into writer settings; throws config_error. */
export function resolveSettings(raw: unknown): S3Settings {
  const config = validateConfig<S3DestinationConfig>(spec, raw);
  const problems = s3ConfigProblems(config);
  if (problems.length > 0) throw invalidConfigError(problems);
  return {
    bucket: config.s3_bucket_name,
    bucketPath: config.s3_bucket_path,
    region: config.s3_bucket_region || 'us-east-1',
    endpoint: (config.s3_endpoint ?? '').replace(/\/+$/, ''),
    accessKeyId: config.access_key_id,
    secretAccessKey: config.secret_access_key,
    keyTemplate: parseKeyTemplate(config.s3_bucket_path, pathFormatOf(config), config.file_name_pattern || undefined),
    format: formatSettings(config.format),
  };
}
