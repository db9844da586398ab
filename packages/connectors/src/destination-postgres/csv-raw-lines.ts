// The raw table's COPY text straight from a CSV chunk, in one streaming pass over its bytes
// without a string or an object per value: each CSV record (PostgreSQL's COPY CSV: RFC 4180
// quoting, unquoted empty = NULL) becomes `<uuid>\t<emitted_at>\t<_airbyte_data>`. Values are
// typed exactly as csv-copy.ts's SQL types them, so Postgres only parses jsonb instead of building
// it; a chunk with an object or array column (whose jsonb validity only Postgres can judge) keeps
// the SQL path. The same pass can also write Basic normalization's typed rows (typed-lines.ts).
// The chunk must be UTF-8, as a COPY of it into a UTF-8 database requires.
import { isUtf8 } from 'node:buffer';
import { Transform, type TransformCallback, type Writable } from 'node:stream';
import type { CsvFileBatch } from '../framework/batches';
import { jsonType } from '../framework/expand';
import { ByteWriter, numberForm, NumberForm, UuidSource, type CsvRecord } from './csv-bytes';
import type { TypedLines } from './typed-lines';

export type ValueKind = 'number' | 'boolean' | 'string';

/** Where the same pass also writes Basic normalization's typed rows (typed-lines.ts). */
export interface TypedOutput {
  lines: TypedLines;
  sink: Writable;
  /** _airbyte_ab_id of each record left for SQL to type. */
  sqlRows: string[];
  /** Past this many, typing stops: the caller gives the pass's typing up. */
  maxSqlRows: number;
}

function valueKind(schema: CsvFileBatch['columns'][number]['schema']): ValueKind | undefined {
  switch (jsonType(schema)) {
    case 'integer':
    case 'number':
      return 'number';
    case 'boolean':
      return 'boolean';
    case 'object':
    case 'array':
      return undefined;
    default:
      return 'string';
  }
}

/** The value kinds of the chunk's columns, or undefined when it needs the SQL path. */
export function rawLineKinds(columns: CsvFileBatch['columns']): ValueKind[] | undefined {
  if (columns.length === 0) return undefined;
  const kinds = columns.map((c) => valueKind(c.schema));
  return kinds.every((k) => k !== undefined) ? (kinds as ValueKind[]) : undefined;
}

const COMMA = 44;
const NEWLINE = 10;
const QUOTE = 34;

/** CSV chunk bytes in, COPY text lines out; `rows` counts the records written (the header excluded). */
export class CsvToRawLines extends Transform {
  rows = 0;
  /** Bytes of a record cut by the end of the last input chunk. */
  private pending: Buffer | undefined;
  private headerSeen = false;
  /** Each key as `"name":` in JSON, then COPY-escaped. */
  private readonly keys: Buffer[];
  private readonly emittedAt: Buffer;
  private readonly record: CsvRecord;
  private out = new ByteWriter();
  private readonly uuids = new UuidSource();
  private static readonly NULL = Buffer.from('null');
  private typedOut = new ByteWriter();

  constructor(
    columns: CsvFileBatch['columns'],
    private readonly kinds: ValueKind[],
    emittedAt: string,
    private readonly typed?: TypedOutput,
  ) {
    super({ readableHighWaterMark: 1024 * 1024 });
    this.keys = columns.map((c) => Buffer.from(`${JSON.stringify(c.name)}:`.replace(/\\/g, '\\\\')));
    this.emittedAt = Buffer.from(`\t${emittedAt}\t`);
    this.record = { data: Buffer.alloc(0), starts: new Int32Array(kinds.length), ends: new Int32Array(kinds.length), quoted: new Uint8Array(kinds.length) };
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    try {
      this.parse(this.pending ? Buffer.concat([this.pending, chunk]) : chunk);
      this.handOn(callback);
    } catch (err) {
      callback(err as Error);
    }
  }

  override _flush(callback: TransformCallback): void {
    if (this.pending?.length) {
      callback(new Error('the CSV chunk ends inside a record'));
      return;
    }
    this.handOn((err) => {
      if (err) return callback(err);
      this.typed?.sink.end();
      callback();
    });
  }

  /** Pushes the raw lines and hands the typed ones on, waiting while their COPY is behind. */
  private handOn(callback: TransformCallback): void {
    if (this.out.length) this.push(this.out.take());
    if (!this.typed || !this.typedOut.length || this.typed.sink.write(this.typedOut.take())) {
      callback();
      return;
    }
    this.typed.sink.once('drain', () => callback());
  }

  /** Writes every whole record of `data`; keeps the cut one for the next chunk. */
  private parse(data: Buffer): void {
    const end = data.length;
    let pos = 0;
    for (;;) {
      const next = this.parseRecord(data, pos, end);
      if (next === -1) break;
      this.endRecord();
      pos = next;
    }
    // Whole records end at a newline, so no character is cut; checked once for all of them.
    if (!isUtf8(data.subarray(0, pos))) throw new Error(`the CSV chunk is not valid UTF-8 (before record ${this.rows + 1})`);
    this.pending = pos < end ? data.subarray(pos) : undefined;
  }

  /** Finds the fields of the record at `pos`; returns where the next one starts, or -1 when the record is cut. */
  private parseRecord(data: Buffer, pos: number, end: number): number {
    const { starts, ends, quoted } = this.record;
    const width = this.kinds.length;
    let field = 0;
    for (;;) {
      if (pos >= end) return -1;
      let separator: number;
      let fieldStart: number;
      let fieldEnd: number;
      let isQuoted = 0;
      if (data[pos] === QUOTE) {
        isQuoted = 1;
        fieldStart = pos + 1;
        let i = fieldStart;
        for (;;) {
          const q = data.indexOf(QUOTE, i);
          if (q === -1 || q + 1 >= end) return -1;
          if (data[q + 1] === QUOTE) {
            // "" inside quotes is one quote; the value goes on.
            i = q + 2;
            continue;
          }
          fieldEnd = q;
          separator = data[q + 1];
          if (separator !== COMMA && separator !== NEWLINE) throw new Error(`unexpected character after a closing quote in the CSV chunk (record ${this.rows + 1})`);
          pos = q + 2;
          break;
        }
      } else {
        fieldStart = pos;
        let i = pos;
        while (i < end && data[i] !== COMMA && data[i] !== NEWLINE) i++;
        if (i >= end) return -1;
        fieldEnd = i;
        separator = data[i];
        pos = i + 1;
      }
      if (field < width) {
        starts[field] = fieldStart;
        ends[field] = fieldEnd;
        quoted[field] = isQuoted;
      }
      field++;
      if (separator === NEWLINE) break;
    }
    this.record.data = data;
    if (!this.headerSeen) {
      this.headerSeen = true;
      this.record.fieldCount = -1;
    } else {
      if (field !== width) throw new Error(`CSV record ${this.rows + 1} has ${field} fields; the chunk's columns are ${width}`);
      this.record.fieldCount = field;
    }
    return pos;
  }

  private endRecord(): void {
    const record = this.record;
    if (record.fieldCount === -1) return;
    const { data, starts, ends, quoted } = record;
    const out = this.out;
    const id = this.uuids.next();
    out.bytes(id);
    out.bytes(this.emittedAt);
    out.byte(0x7b);
    for (let i = 0; i < this.kinds.length; i++) {
      if (i) out.byte(COMMA);
      out.bytes(this.keys[i]);
      const s = starts[i];
      const e = ends[i];
      if (s === e && !quoted[i]) {
        out.bytes(CsvToRawLines.NULL);
        continue;
      }
      switch (this.kinds[i]) {
        case 'number':
          // A JSON number (not -0, which JSON would write as 0) stays a number, as `c::jsonb`; the rest as `to_jsonb(c)`.
          if (numberForm(data, s, e) !== NumberForm.NotJson) out.bytes(data, s, e);
          else out.jsonString(data, s, e, quoted[i] === 1, true);
          break;
        case 'boolean':
          out.ascii(isTrue(data, s, e) ? 'true' : 'false');
          break;
        default:
          out.jsonString(data, s, e, quoted[i] === 1, true);
      }
    }
    out.byte(0x7d);
    out.byte(NEWLINE);
    this.rows++;
    const typed = this.typed;
    if (typed && typed.sqlRows.length <= typed.maxSqlRows && !typed.lines.write(this.typedOut, id, record)) typed.sqlRows.push(id.toString('latin1'));
  }
}

/** The boolean the SQL path makes of the text: true for "t" and "true" only. */
export function isTrue(data: Buffer, s: number, e: number): boolean {
  const n = e - s;
  return (n === 1 && data[s] === 0x74) || (n === 4 && data[s] === 0x74 && data[s + 1] === 0x72 && data[s + 2] === 0x75 && data[s + 3] === 0x65);
}
