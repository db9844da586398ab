// Byte-level pieces of the CSV → COPY text pass (csv-raw-lines.ts, typed-lines.ts): a record's
// fields as offsets into the chunk, an output buffer that grows, and the escapes written
// straight from the CSV's UTF-8 bytes (multi-byte characters pass through untouched).
import { randomFillSync } from 'node:crypto';

/** One CSV record: field i is data[starts[i], ends[i]); a quoted field's "" stands for one quote. */
export interface CsvRecord {
  data: Buffer;
  starts: Int32Array;
  ends: Int32Array;
  /** 1 where the field was quoted (so empty means '' rather than NULL). */
  quoted: Uint8Array;
  /** -1 for the header. */
  fieldCount?: number;
}

export const enum NumberForm {
  /** Not a JSON number, or negative zero (which JSON would write as 0). */
  NotJson,
  /** -?(0|[1-9][0-9]*)(.[0-9]+)?: jsonb prints it as written. */
  Plain,
  /** With an exponent. */
  Exponent,
}

const QUOTE = 34;
const BACKSLASH = 0x5c;
const isDigit = (b: number) => b >= 0x30 && b <= 0x39;

/** How the text data[s, e) reads as a JSON number. */
export function numberForm(data: Buffer, s: number, e: number): NumberForm {
  let i = s;
  const negative = data[i] === 0x2d;
  if (negative) i++;
  if (i >= e || !isDigit(data[i])) return NumberForm.NotJson;
  let nonZero = data[i] !== 0x30;
  if (data[i] === 0x30) i++;
  else while (i < e && isDigit(data[i])) i++;
  if (i < e && data[i] === 0x2e) {
    i++;
    if (i >= e || !isDigit(data[i])) return NumberForm.NotJson;
    while (i < e && isDigit(data[i])) {
      if (data[i] !== 0x30) nonZero = true;
      i++;
    }
  }
  let form = NumberForm.Plain;
  if (i < e && (data[i] === 0x65 || data[i] === 0x45)) {
    i++;
    if (i < e && (data[i] === 0x2b || data[i] === 0x2d)) i++;
    if (i >= e || !isDigit(data[i])) return NumberForm.NotJson;
    while (i < e && isDigit(data[i])) i++;
    form = NumberForm.Exponent;
  }
  if (i !== e) return NumberForm.NotJson;
  return negative && !nonZero ? NumberForm.NotJson : form;
}

const HEX = '0123456789abcdef';
/** Each byte's two lowercase hex digits. */
const HEX_PAIRS = Buffer.from(Array.from({ length: 256 }, (_, b) => HEX[b >> 4] + HEX[b & 15]).join(''), 'latin1');

/** Version 4 UUIDs as their 36 text bytes, from a pool of random bytes refilled in bulk. */
export class UuidSource {
  private readonly pool = Buffer.allocUnsafe(16 * 4096);
  private at = this.pool.length;
  /** The last UUID, overwritten by the next call. */
  private readonly text = Buffer.alloc(36);

  next(): Buffer {
    if (this.at === this.pool.length) {
      randomFillSync(this.pool);
      this.at = 0;
    }
    const pool = this.pool;
    const text = this.text;
    let n = 0;
    for (let i = 0; i < 16; i++) {
      let b = pool[this.at + i];
      if (i === 6) b = (b & 0x0f) | 0x40;
      else if (i === 8) b = (b & 0x3f) | 0x80;
      if (i === 4 || i === 6 || i === 8 || i === 10) text[n++] = 0x2d;
      text[n++] = HEX_PAIRS[b * 2];
      text[n++] = HEX_PAIRS[b * 2 + 1];
    }
    this.at += 16;
    return text;
  }
}

/** A growing output buffer; take() hands over what was written and starts a new one. */
export class ByteWriter {
  private buf = Buffer.allocUnsafe(1024 * 1024);
  length = 0;

  private ensure(n: number): void {
    if (this.length + n <= this.buf.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.length + n));
    this.buf.copy(grown, 0, 0, this.length);
    this.buf = grown;
  }

  take(): Buffer {
    const out = this.buf.subarray(0, this.length);
    this.buf = Buffer.allocUnsafe(Math.max(1024 * 1024, this.buf.length));
    this.length = 0;
    return out;
  }

  /** `data` in lowercase hex. */
  hex(data: Buffer): void {
    this.ensure(data.length * 2);
    const buf = this.buf;
    let n = this.length;
    for (let i = 0; i < data.length; i++) {
      buf[n++] = HEX_PAIRS[data[i] * 2];
      buf[n++] = HEX_PAIRS[data[i] * 2 + 1];
    }
    this.length = n;
  }

  /** What was written so far, valid until the next write. */
  view(): Buffer {
    return this.buf.subarray(0, this.length);
  }

  /** Drops what was written after `length` (a row given up half-way). */
  truncate(length: number): void {
    this.length = length;
  }

  byte(b: number): void {
    this.ensure(1);
    this.buf[this.length++] = b;
  }

  /** An ASCII string. */
  ascii(text: string): void {
    this.ensure(text.length);
    const buf = this.buf;
    let n = this.length;
    for (let i = 0; i < text.length; i++) buf[n++] = text.charCodeAt(i);
    this.length = n;
  }

  bytes(data: Buffer, s = 0, e = data.length): void {
    this.ensure(e - s);
    // Values are short: a loop beats a native copy's call cost.
    if (e - s > 64) {
      this.length += data.copy(this.buf, this.length, s, e);
      return;
    }
    const buf = this.buf;
    let n = this.length;
    for (let i = s; i < e; i++) buf[n++] = data[i];
    this.length = n;
  }

  /**
   * data[s, e) as a JSON string (JSON.stringify's escapes, which are also jsonb's output's), with a
   * quoted field's "" read as one quote; `forCopy` doubles each backslash for COPY text format.
   */
  jsonString(data: Buffer, s: number, e: number, quoted: boolean, forCopy: boolean): void {
    // Each byte takes at most 7 (\\u00xx with the backslash doubled) plus the quotes.
    this.ensure((e - s) * 7 + 2);
    const buf = this.buf;
    let n = this.length;
    buf[n++] = QUOTE;
    for (let i = s; i < e; i++) {
      const b = data[i];
      if (b >= 0x20 && b !== QUOTE && b !== BACKSLASH) {
        buf[n++] = b;
        continue;
      }
      buf[n++] = BACKSLASH;
      if (forCopy) buf[n++] = BACKSLASH;
      if (b === QUOTE) {
        buf[n++] = QUOTE;
        if (quoted) i++;
      } else if (b === BACKSLASH) {
        // JSON's \\: the first backslash is written above.
        buf[n++] = BACKSLASH;
        if (forCopy) buf[n++] = BACKSLASH;
      } else if (b === 0x08) buf[n++] = 0x62;
      else if (b === 0x09) buf[n++] = 0x74;
      else if (b === 0x0a) buf[n++] = 0x6e;
      else if (b === 0x0c) buf[n++] = 0x66;
      else if (b === 0x0d) buf[n++] = 0x72;
      else {
        buf[n++] = 0x75;
        buf[n++] = 0x30;
        buf[n++] = 0x30;
        buf[n++] = HEX.charCodeAt(b >> 4);
        buf[n++] = HEX.charCodeAt(b & 15);
      }
    }
    buf[n++] = QUOTE;
    this.length = n;
  }

  /** data[s, e) in COPY text format (\\ \t \n \r escaped), a quoted field's "" read as one quote. */
  copyText(data: Buffer, s: number, e: number, quoted: boolean): void {
    this.ensure((e - s) * 2);
    const buf = this.buf;
    let n = this.length;
    for (let i = s; i < e; i++) {
      const b = data[i];
      if (b === 0x5c) {
        buf[n++] = 0x5c;
        buf[n++] = 0x5c;
      } else if (b === 0x09) {
        buf[n++] = 0x5c;
        buf[n++] = 0x74;
      } else if (b === 0x0a) {
        buf[n++] = 0x5c;
        buf[n++] = 0x6e;
      } else if (b === 0x0d) {
        buf[n++] = 0x5c;
        buf[n++] = 0x72;
      } else {
        buf[n++] = b;
        if (b === QUOTE && quoted) i++;
      }
    }
    this.length = n;
  }
}
