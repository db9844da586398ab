// The typed config (Airbyte's field names) and its resolution into what a read needs.
import { validateConfig } from '../framework/config';
import type { ConnectorContext } from '../framework/connector';
import { configError } from '../framework/errors';
import { formatReader, type FormatReader } from './formats/index';
import { parseReaderOptions, type ReaderOptions } from './reader-options';
import { FILE_FORMATS, STORAGE_KINDS, spec } from './spec';
import type { HttpsProvider } from './storage/https';
import type { S3Provider } from './storage/s3';
import { locateFile, type FileLocation } from './storage/index';

export type FileFormat = (typeof FILE_FORMATS)[number];

export interface LocalProvider {
  storage: 'local';
}

export interface FileSourceConfig {
  /** Also the stream name. */
  dataset_name: string;
  format: FileFormat;
  url: string;
  provider: LocalProvider | HttpsProvider | S3Provider;
  /** JSON string of pandas-style options; see reader-options.ts. */
  reader_options?: string;
}

export interface ResolvedFile {
  config: FileSourceConfig;
  location: FileLocation;
  options: ReaderOptions;
  format: FormatReader;
}

/** The oneOf's own error ("must match exactly one schema") does not say what is wrong. */
function checkStorage(raw: unknown): void {
  const storage = (raw as { provider?: { storage?: unknown } } | null)?.provider?.storage;
  if (storage !== undefined && !STORAGE_KINDS.includes(storage as never)) {
    throw configError(`provider.storage must be one of ${STORAGE_KINDS.join(', ')} (got ${JSON.stringify(storage)})`);
  }
}

/** Validates the config against the spec and resolves location, reader options and format. */
export function resolveFile(raw: unknown, ctx: ConnectorContext): ResolvedFile {
  checkStorage(raw);
  const config = validateConfig<FileSourceConfig>(spec, raw);
  const { options, ignoredKeys } = parseReaderOptions(config.reader_options, config.format);
  if (ignoredKeys.length > 0) ctx.log('WARN', `reader_options keys not supported for ${config.format}, ignored: ${ignoredKeys.join(', ')}`);
  return { config, location: locateFile(config), options, format: formatReader(config.format, options) };
}
