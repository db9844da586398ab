import type { FileSourceConfig } from '../config';
import { httpsFile } from './https';
import { localFile } from './local';
import type { FileLocation } from './location';
import { s3File } from './s3';

export type { FileLocation } from './location';

export function locateFile(config: FileSourceConfig): FileLocation {
  const provider = config.provider;
  switch (provider.storage) {
    case 'local':
      return localFile(config.url);
    case 'HTTPS':
      return httpsFile(config.url, provider);
    case 'S3':
      return s3File(config.url, provider);
  }
}
