export { sourceFile } from './source';
export type { FileSourceConfig, FileFormat, LocalProvider } from './config';
export type { HttpsProvider } from './storage/https';
export type { S3Provider } from './storage/s3';
