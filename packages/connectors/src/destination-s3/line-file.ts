// A local file appended to line by line, optionally gzipped, written in large chunks with
// back-pressure so memory stays bounded however many records pass through.
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { pipeline } from 'node:stream/promises';
import type { Writable } from 'node:stream';
import { createGzip } from 'node:zlib';

const CHUNK_CHARS = 256 * 1024;

export class LineFile {
  /** Rows appended so far. */
  rows = 0;
  /** Uncompressed bytes appended so far (approximate for non-ASCII text). */
  bytes = 0;
  private pending: string[] = [];
  private pendingChars = 0;
  private readonly sink: Writable;
  private readonly done: Promise<void>;

  constructor(readonly path: string, gzip: boolean) {
    const file = createWriteStream(path);
    if (gzip) {
      const gz = createGzip();
      this.sink = gz;
      this.done = pipeline(gz, file);
    } else {
      this.sink = file;
      this.done = once(file, 'close').then(() => undefined);
    }
    // Errors surface through `done` and `flush`; keep them from going unhandled meanwhile.
    this.done.catch(() => undefined);
  }

  async append(text: string, rows: number): Promise<void> {
    this.pending.push(text);
    this.pendingChars += text.length;
    this.bytes += text.length;
    this.rows += rows;
    if (this.pendingChars >= CHUNK_CHARS) await this.flush();
  }

  async close(): Promise<void> {
    await this.flush();
    this.sink.end();
    await this.done;
  }

  private async flush(): Promise<void> {
    if (this.pending.length === 0) return;
    const chunk = this.pending.join('');
    this.pending = [];
    this.pendingChars = 0;
    if (!this.sink.write(chunk)) await once(this.sink, 'drain');
  }
}
