// Where a file lives, independent of its format: something that opens a raw byte stream.
import type { Readable } from 'node:stream';

export interface FileLocation {
  /** Names the file in messages; never contains credentials. */
  describe: string;
  /** Opens the stored bytes (still compressed, if they are). Errors are raw; errors.ts maps them. */
  open(signal?: AbortSignal): Promise<Readable>;
}
