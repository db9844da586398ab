// Airbyte's source-file: one stream (named by dataset_name) read from one file, local, HTTP(S)
// or S3, full refresh only.
import type { Source } from '../framework/connector';
import { checkFile } from './check';
import type { FileSourceConfig } from './config';
import { discoverFile } from './discover';
import { readFile } from './read';
import { spec } from './spec';

export type { FileSourceConfig, FileFormat, LocalProvider } from './config';
export type { HttpsProvider } from './storage/https';
export type { S3Provider } from './storage/s3';

export const sourceFile: Source<FileSourceConfig> = {
  kind: 'source',
  name: 'source-file',
  spec: () => spec,
  check: (config, ctx) => checkFile(config, ctx),
  discover: (config, ctx) => discoverFile(config, ctx),
  read: (config, catalog, _state, ctx) => readFile(config, catalog, ctx),
};
