// Opens a file and yields its text chunk by chunk: stored bytes → gunzip → decoded text.
// Memory stays at a few chunks.
import { Readable, pipeline } from 'node:stream';
import { createGunzip } from 'node:zlib';
import type { ResolvedFile } from './config';
import { contentError } from './errors';
import type { Compression } from './reader-options';
import { createChunkDecoder } from './text-decoder';

const GZIP_MAGIC = [0x1f, 0x8b];

/** Yields `head` then the rest of `chunks`; closing early closes the source too. */
async function* prepend(head: Buffer, chunks: AsyncIterator<Buffer>): AsyncGenerator<Buffer> {
  try {
    yield head;
    for (let next = await chunks.next(); !next.done; next = await chunks.next()) yield next.value;
  } finally {
    await chunks.return?.();
  }
}

/**
 * `infer` decides by the gzip magic bytes, not the .gz suffix: every gzip file starts with them,
 * and a .gz URL served with Content-Encoding: gzip arrives already decoded by fetch.
 */
async function decompressed(body: Readable, compression: Compression): Promise<Readable> {
  if (compression === 'none') return body;
  let source: Readable = body;
  let gzip = compression === 'gzip';
  if (!gzip) {
    const chunks = body[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
    const first = await chunks.next();
    if (first.done) return Readable.from([]);
    const head = first.value;
    gzip = head.length >= 2 && head[0] === GZIP_MAGIC[0] && head[1] === GZIP_MAGIC[1];
    source = Readable.from(prepend(head, chunks), { objectMode: false });
  }
  // Errors of any stage surface on the returned stream; the callback only has to exist.
  return gzip ? pipeline(source, createGunzip(), () => {}) : source;
}

/** The text of the configured file, read as its reader options say (encoding, compression). */
export async function* readFileText(file: ResolvedFile, signal?: AbortSignal): AsyncGenerator<string> {
  const { encoding, compression } = file.options;
  const bytes = await decompressed(await file.location.open(signal), compression);
  const decoder = createChunkDecoder(encoding);
  for await (const chunk of bytes as AsyncIterable<Buffer>) {
    const text = decoder.write(chunk);
    // Text formats never hold NUL: this is a binary file (Parquet, zip, ...) or the wrong encoding.
    if (text.includes('\u0000')) {
      throw contentError(`it contains binary data (NUL bytes), so it is not a ${encoding.name} text file; check the format, compression and encoding`);
    }
    yield text;
  }
  const tail = decoder.end();
  if (tail) yield tail;
}
