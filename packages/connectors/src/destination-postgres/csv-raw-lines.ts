// The raw table's COPY text straight from a CSV chunk, in one streaming pass without an object
// per row: each CSV record (PostgreSQL's COPY CSV: RFC 4180 quoting, unquoted empty = NULL)
// becomes `<uuid>\t<emitted_at>\t<_airbyte_data>`. Values are typed exactly as csv-copy.ts's SQL
// types them, so Postgres only parses jsonb instead of building it; a chunk with an object or
// array column (whose jsonb validity only Postgres can judge) keeps the SQL path.
import { randomUUID } from 'node:crypto';
import { StringDecoder } from 'node:string_decoder';
import { Transform, type TransformCallback } from 'node:stream';
import type { CsvFileBatch } from '../framework/batches';
import { jsonType } from '../framework/expand';

const JSON_NUMBER = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$/;
const NEGATIVE_ZERO = /^-0(\.0*)?([eE][+-]?[0-9]+)?$/;

type ValueKind = 'number' | 'boolean' | 'string';

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

/** JSON of one value, null for NULL: numbers that are JSON numbers (and not -0) stay numbers, as `c::jsonb`; the rest as `to_jsonb(c)`. */
function jsonValue(kind: ValueKind, text: string | null): string {
  if (text === null) return 'null';
  if (kind === 'number' && JSON_NUMBER.test(text) && !(text.startsWith('-0') && NEGATIVE_ZERO.test(text))) return text;
  if (kind === 'boolean') return text === 't' || text === 'true' ? 'true' : 'false';
  return JSON.stringify(text);
}

const enum State {
  FieldStart,
  Unquoted,
  Quoted,
  QuoteInQuoted,
}

const COMMA = 44;
const NEWLINE = 10;
const QUOTE = 34;

/** CSV chunk bytes in, COPY text lines out; `rows` counts the records written (the header excluded). */
export class CsvToRawLines extends Transform {
  rows = 0;
  private readonly decoder = new StringDecoder('utf8');
  private readonly keys: string[];
  private state = State.FieldStart;
  private field = '';
  private fields: Array<string | null> = [];
  private headerSeen = false;

  constructor(
    columns: CsvFileBatch['columns'],
    private readonly kinds: ValueKind[],
    private readonly emittedAt: string,
  ) {
    super({ readableHighWaterMark: 1024 * 1024 });
    this.keys = columns.map((c) => `${JSON.stringify(c.name)}:`);
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    try {
      const out = this.parse(this.decoder.write(chunk));
      if (out) this.push(out);
      callback();
    } catch (err) {
      callback(err as Error);
    }
  }

  override _flush(callback: TransformCallback): void {
    try {
      const out = this.parse(this.decoder.end());
      if (this.state !== State.FieldStart || this.fields.length > 0) throw new Error('the CSV chunk ends inside a record');
      if (out) this.push(out);
      callback();
    } catch (err) {
      callback(err as Error);
    }
  }

  private parse(text: string): string {
    let out = '';
    let start = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      switch (this.state) {
        case State.FieldStart:
          if (c === QUOTE) {
            this.state = State.Quoted;
            start = i + 1;
          } else if (c === COMMA) {
            this.fields.push(null);
          } else if (c === NEWLINE) {
            this.fields.push(null);
            out += this.endRecord();
          } else {
            this.state = State.Unquoted;
            start = i;
          }
          break;
        case State.Unquoted:
          if (c === COMMA || c === NEWLINE) {
            this.fields.push(this.field + text.slice(start, i));
            this.field = '';
            this.state = State.FieldStart;
            if (c === NEWLINE) out += this.endRecord();
          }
          break;
        case State.Quoted:
          if (c === QUOTE) {
            this.field += text.slice(start, i);
            this.state = State.QuoteInQuoted;
          }
          break;
        case State.QuoteInQuoted:
          if (c === QUOTE) {
            // "" inside quotes is one quote; the value goes on.
            this.state = State.Quoted;
            start = i;
          } else if (c === COMMA || c === NEWLINE) {
            this.fields.push(this.field);
            this.field = '';
            this.state = State.FieldStart;
            if (c === NEWLINE) out += this.endRecord();
          } else {
            throw new Error(`unexpected character after a closing quote in the CSV chunk (record ${this.rows + 1})`);
          }
          break;
      }
    }
    // A value cut by the chunk's end carries over to the next chunk.
    if (this.state === State.Unquoted || this.state === State.Quoted) this.field += text.slice(start);
    return out;
  }

  private endRecord(): string {
    const fields = this.fields;
    this.fields = [];
    if (!this.headerSeen) {
      this.headerSeen = true;
      return '';
    }
    if (fields.length !== this.kinds.length) throw new Error(`CSV record ${this.rows + 1} has ${fields.length} fields; the chunk's columns are ${this.kinds.length}`);
    let json = '{';
    for (let i = 0; i < fields.length; i++) json += `${i ? ',' : ''}${this.keys[i]}${jsonValue(this.kinds[i], fields[i])}`;
    json += '}';
    this.rows++;
    // COPY text format: JSON text has no raw tab or newline, so a backslash is all there is to escape.
    return `${randomUUID()}\t${this.emittedAt}\t${json.includes('\\') ? json.replace(/\\/g, '\\\\') : json}\n`;
  }
}
