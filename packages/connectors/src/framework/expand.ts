// At a process boundary, in-process batches become plain RECORD messages.
import { createReadStream } from 'node:fs';
import { parse } from 'csv-parse';
import type { AirbyteMessage, JsonSchema } from '@platform/protocol';
import { postgresTimestampToAirbyte, type CsvFileBatch, type SourceOutput } from './batches';

type Caster = (text: string) => unknown;

/** The one non-null JSON type a column schema declares. */
export function jsonType(schema: JsonSchema): string | undefined {
  const t = schema.type;
  if (Array.isArray(t)) return t.find((x) => x !== 'null') as string | undefined;
  return t as string | undefined;
}

/**
 * A decimal's value as "<sign><significant digits>e<exponent>", so "1e-07", "0.0000001" and
 * "1.000e-7" compare equal whatever notation printed them.
 */
export function canonicalDecimal(text: string): string {
  const m = /^(?=[+-]?\.?\d)([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text);
  if (!m) return text;
  const [, sign, int, frac = '', exp = '0'] = m;
  const digits = int + frac;
  const leadingZeros = /^0*/.exec(digits)![0].length;
  const significant = digits.slice(leadingZeros).replace(/0+$/, '');
  if (significant === '') return '0';
  return `${sign === '-' ? '-' : ''}${significant}e${int.length - leadingZeros + Number(exp)}`;
}

/** JSON text without whitespace between tokens; strings, numbers and key order untouched. */
export function minifyJson(text: string): string {
  if (!/[ \t\n\r]/.test(text)) return text;
  let out = '';
  let inString = false;
  let from = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      out += text.slice(from, i);
      from = i + 1;
    }
  }
  return out + text.slice(from);
}

/**
 * A JSON value kept as its text (minified, so it fits on one line), for writers that splice it
 * into their output: a number beyond a double's precision keeps every digit, duplicate keys stay.
 */
export class RawJson {
  readonly text: string;
  constructor(text: string) {
    this.text = minifyJson(text);
  }

  /** Where it is serialized as an ordinary value after all. */
  toJSON(): unknown {
    return JSON.parse(this.text);
  }
}

export interface CastOptions {
  /** JSON columns as RawJson instead of parsed values. */
  rawJson?: boolean;
}

/** Turns one CSV field into the JSON value its column schema asks for. */
export function casterFor(schema: JsonSchema, options: CastOptions = {}): Caster {
  switch (jsonType(schema)) {
    case 'integer':
    case 'number':
      // Beyond double precision a number stays a decimal string rather than silently rounding;
      // so does -0, which JSON writes as 0.
      return (s) => {
        const n = Number(s);
        return Number.isFinite(n) && !Object.is(n, -0) && canonicalDecimal(String(n)) === canonicalDecimal(s) ? n : s;
      };
    case 'boolean':
      return (s) => s === 't' || s === 'true';
    case 'object':
    case 'array':
      return options.rawJson ? (s) => new RawJson(s) : (s) => JSON.parse(s);
    default:
      return (s) => s;
  }
}

/** Whether a batch column holds PostgreSQL's timestamp text (CsvFileBatch.postgresTimestamps). */
export const isDateTimeColumn = (schema: JsonSchema) => jsonType(schema) === 'string' && schema.format === 'date-time';

/** Reads a CSV batch file back as records, NULL (empty unquoted) fields becoming null. */
export async function* csvBatchRecords(batch: CsvFileBatch, options: CastOptions = {}): AsyncGenerator<Record<string, unknown>> {
  const casters = batch.columns.map((c) => (batch.postgresTimestamps && isDateTimeColumn(c.schema) ? postgresTimestampToAirbyte : casterFor(c.schema, options)));
  // COPY writes NULL as an empty unquoted field and '' as a quoted one; the cast context tells them apart.
  const parser = createReadStream(batch.path).pipe(
    parse({ from_line: 2, cast: (value, ctx) => (value === '' && !ctx.quoting ? null : value) }),
  );
  for await (const row of parser as AsyncIterable<Array<string | null>>) {
    const record: Record<string, unknown> = {};
    for (let i = 0; i < casters.length; i++) {
      const v = row[i];
      record[batch.columns[i].name] = v === null || v === undefined ? null : casters[i](v);
    }
    yield record;
  }
}

/** Expands batches into RECORD messages; other messages pass through unchanged. */
export async function* toProtocolMessages(items: AsyncIterable<SourceOutput>): AsyncGenerator<AirbyteMessage> {
  for await (const item of items) {
    if (item.type === 'RECORD_BATCH') {
      for (const data of item.records) yield { type: 'RECORD', record: { stream: item.stream, namespace: item.namespace ?? undefined, data, emitted_at: item.emittedAt } };
    } else if (item.type === 'CSV_FILE_BATCH') {
      try {
        for await (const data of csvBatchRecords(item)) {
          yield { type: 'RECORD', record: { stream: item.stream, namespace: item.namespace ?? undefined, data, emitted_at: item.emittedAt } };
        }
      } finally {
        await item.release();
      }
    } else {
      yield item;
    }
  }
}
