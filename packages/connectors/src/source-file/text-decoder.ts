// Bytes → text in the configured encoding, chunk by chunk (a character split across chunks
// stays whole). UTF-8 uses the strict WHATWG decoder so a latin1 file read as UTF-8 fails with
// a clear hint instead of silently filling with U+FFFD; other encodings go through iconv-lite.
import iconv from 'iconv-lite';
import { configError } from '../framework/errors';

export interface TextEncoding {
  /** As the user wrote it, for messages. */
  name: string;
  /** 'utf8' or an iconv-lite encoding name. */
  codec: string;
}

export interface ChunkDecoder {
  write(bytes: Buffer): string;
  end(): string;
}

/** Accepts Python codec spellings (utf_8, utf-8-sig, latin-1, cp1252, utf-16, ...). */
export function resolveEncoding(name: string): TextEncoding {
  const canonical = name.toLowerCase().replace(/[^0-9a-z]/g, '');
  // A UTF-8 BOM is dropped either way, so Python's utf-8-sig is plain UTF-8 here.
  if (canonical === 'utf8' || canonical === 'utf8sig') return { name, codec: 'utf8' };
  if (!iconv.encodingExists(canonical)) throw configError(`reader_options.encoding "${name}" is not a supported encoding`);
  return { name, codec: canonical };
}

export function createChunkDecoder(encoding: TextEncoding): ChunkDecoder {
  if (encoding.codec === 'utf8') {
    const decoder = new TextDecoder('utf-8', { fatal: true });
    return { write: (bytes) => decoder.decode(bytes, { stream: true }), end: () => decoder.decode() };
  }
  const decoder = iconv.getDecoder(encoding.codec);
  return { write: (bytes) => decoder.write(bytes), end: () => decoder.end() ?? '' };
}
