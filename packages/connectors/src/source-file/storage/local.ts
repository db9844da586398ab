// Local Filesystem provider: `url` is a path (or file:// URL) on the machine running the connector.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { FileLocation } from './location';

const READ_CHUNK_BYTES = 256 * 1024;

export function localFile(url: string): FileLocation {
  const path = url.startsWith('file://') ? fileURLToPath(url) : url;
  return {
    describe: path,
    async open(signal) {
      // stat first so a missing path or a directory fails here, not mid-stream.
      const info = await stat(path);
      if (info.isDirectory()) throw Object.assign(new Error(`${path} is a directory`), { code: 'EISDIR' });
      return createReadStream(path, { highWaterMark: READ_CHUNK_BYTES, signal });
    },
  };
}
