// Basic normalization's typed row for an overwrite, written as COPY text in the same pass that
// writes the raw row (csv-raw-lines.ts), instead of re-reading the raw table's jsonb in SQL.
// It must equal what normalization-sql.ts's selectFinal makes of the raw row, so it only takes
// a row when that is certain: every value is one the column's type surely accepts (COPY into a
// typed column runs the same input function as the SQL cast, in a session with the same
// settings), and the record's jsonb text, which the hashid is an md5 of, is known exactly. Any
// other row is left to that SQL (its _airbyte_ab_id is handed back), including every row whose
// cast would fail and so needs _airbyte_meta.changes.
import { hash } from 'node:crypto';
import type { CsvFileBatch } from '../framework/batches';
import { ByteWriter, numberForm, NumberForm, type CsvRecord } from './csv-bytes';
import { isTrue, type ValueKind } from './csv-raw-lines';
import type { TablePlan } from './normalization-plan';

/** Whether data[s, e) is a value its column's type surely accepts; such a value's typed text is the CSV's own. */
type Validator = (d: Buffer, s: number, e: number) => boolean;
/** How a column's value is written: its bytes as they are (text), as true/false (boolean), or its bytes once valid. */
type Converter = 'text' | 'boolean' | Validator;

const digit = (d: Buffer, i: number) => d[i] - 0x30;
const isDigit = (d: Buffer, i: number) => d[i] >= 0x30 && d[i] <= 0x39;
/** The two-digit number at i, or -1. */
const twoDigits = (d: Buffer, i: number) => (isDigit(d, i) && isDigit(d, i + 1) ? digit(d, i) * 10 + digit(d, i + 1) : -1);

const daysIn = (year: number, month: number) => (month === 2 ? (year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28) : month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31);

/** YYYY-MM-DD at s (10 bytes), year 1 to 9999. */
function isDateAt(d: Buffer, s: number): boolean {
  if (d[s + 4] !== 0x2d || d[s + 7] !== 0x2d) return false;
  const high = twoDigits(d, s);
  const low = twoDigits(d, s + 2);
  const month = twoDigits(d, s + 5);
  const day = twoDigits(d, s + 8);
  if (high < 0 || low < 0 || month < 1 || month > 12 || day < 1) return false;
  const year = high * 100 + low;
  return year >= 1 && day <= daysIn(year, month);
}

/** HH:MM:SS[.f{1,6}] from s; returns where it ends, or -1. */
function timeEnd(d: Buffer, s: number, e: number): number {
  if (e - s < 8 || d[s + 2] !== 0x3a || d[s + 5] !== 0x3a) return -1;
  const hour = twoDigits(d, s);
  const minute = twoDigits(d, s + 3);
  const second = twoDigits(d, s + 6);
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) return -1;
  let i = s + 8;
  if (i < e && d[i] === 0x2e) {
    const first = ++i;
    while (i < e && isDigit(d, i)) i++;
    if (i === first || i - first > 6) return -1;
  }
  return i;
}

/** The whole of [s, e) is "Z", "+HH" or "+HH:MM" (within ±14:59), Postgres's own output and ISO 8601's. */
function isOffset(d: Buffer, s: number, e: number): boolean {
  if (e - s === 1) return d[s] === 0x5a;
  if ((d[s] !== 0x2b && d[s] !== 0x2d) || (e - s !== 3 && e - s !== 6)) return false;
  const hour = twoDigits(d, s + 1);
  if (hour < 0 || hour > 14) return false;
  if (e - s === 3) return true;
  const minute = twoDigits(d, s + 4);
  return d[s + 3] === 0x3a && minute >= 0 && minute <= 59;
}

const isDate: Validator = (d, s, e) => e - s === 10 && isDateAt(d, s);
const isTime: Validator = (d, s, e) => timeEnd(d, s, e) === e;
const isTimeWithZone: Validator = (d, s, e) => {
  const end = timeEnd(d, s, e);
  return end !== -1 && end < e && isOffset(d, end, e);
};
/** "<date> <time><offset>" (or "T" between them): the offset is required, as without one the session's time zone would decide. */
const isTimestampWithZone: Validator = (d, s, e) => e - s > 19 && (d[s + 10] === 0x20 || d[s + 10] === 0x54) && isDate(d, s, s + 10) && isTimeWithZone(d, s + 11, e);
const isTimestamp: Validator = (d, s, e) => e - s >= 19 && (d[s + 10] === 0x20 || d[s + 10] === 0x54) && isDate(d, s, s + 10) && isTime(d, s + 11, e);

/** A JSON number jsonb prints as written; the raw value is a number only then. */
const isPlain: Validator = (d, s, e) => numberForm(d, s, e) === NumberForm.Plain;
/** At most 18 digits, so always within bigint. */
const isBigint: Validator = (d, s, e) => {
  const first = d[s] === 0x2d ? s + 1 : s;
  if (e - first < 1 || e - first > 18 || !isPlain(d, s, e)) return false;
  for (let i = first; i < e; i++) if (d[i] === 0x2e) return false;
  return true;
};

const NUMERIC_TYPMOD = /^numeric\(([0-9]+),([0-9]+)\)$/;

/** A plain decimal fits numeric(p,s) when its integer digits leave room, also for a carry when it rounds. */
function fitsNumeric(precision: number, scale: number): Validator {
  return (d, s, e) => {
    if (!isPlain(d, s, e)) return false;
    const first = d[s] === 0x2d ? s + 1 : s;
    let point = first;
    while (point < e && d[point] !== 0x2e) point++;
    const integerDigits = point - first === 1 && d[first] === 0x30 ? 0 : point - first;
    const fractionDigits = point < e ? e - point - 1 : 0;
    return integerDigits < precision - scale || (integerDigits === precision - scale && fractionDigits <= scale);
  };
}

/**
 * The converter of one column, or undefined when its (CSV kind, column type) pair has none, which
 * leaves the whole stream to SQL. What it writes is what `_airbyte_data #>> '{column}'` gives for
 * the raw value csv-raw-lines.ts writes.
 */
function converterOf(kind: ValueKind, pgType: string): Converter | undefined {
  if (kind === 'boolean') return pgType === 'boolean' ? 'boolean' : undefined;
  if (kind === 'number') {
    if (pgType === 'bigint') return isBigint;
    if (pgType === 'numeric') return isPlain;
    const typmod = NUMERIC_TYPMOD.exec(pgType);
    if (!typmod || Number(typmod[2]) > Number(typmod[1])) return undefined;
    return fitsNumeric(Number(typmod[1]), Number(typmod[2]));
  }
  switch (pgType) {
    case 'text':
      return 'text';
    case 'date':
      return isDate;
    case 'timestamptz':
      return isTimestampWithZone;
    case 'timestamp':
      return isTimestamp;
    case 'time':
      return isTime;
    case 'timetz':
      return isTimeWithZone;
    default:
      return undefined;
  }
}

/** jsonb's key order: shorter keys first, then by their bytes. */
function jsonbKeyOrder(names: string[]): number[] {
  const bytes = names.map((n) => Buffer.from(n, 'utf8'));
  return names.map((_, i) => i).sort((a, b) => bytes[a].length - bytes[b].length || Buffer.compare(bytes[a], bytes[b]));
}

const NO_CHANGES = Buffer.from('\t{"changes": []}\n');
const NULL_FIELD = Buffer.from('\\N\t');
const TAB = 9;

/** Writes typed rows of one chunk whose columns are exactly the final table's value columns. */
export class TypedLines {
  private readonly converters: Converter[];
  /** Chunk column index of each final-table column, in the table's column order. */
  private readonly order: number[];
  /** Each key as `"name": ` in JSON, in jsonb's key order. */
  private readonly jsonKeys: Buffer[];
  private readonly jsonOrder: number[];
  private readonly metadata: Buffer;
  private readonly jsonb = new ByteWriter();

  private constructor(
    private readonly kinds: ValueKind[],
    converters: Converter[],
    order: number[],
    names: string[],
    emittedAt: string,
    normalizedAt: string,
  ) {
    this.converters = converters;
    this.order = order;
    this.jsonOrder = jsonbKeyOrder(names);
    this.jsonKeys = names.map((n) => Buffer.from(`${JSON.stringify(n)}: `));
    this.metadata = Buffer.from(`\t${emittedAt}\t${normalizedAt}\t`);
  }

  /** Undefined when the chunk's columns are not the table's own scalar columns, or a pair has no converter. */
  static forChunk(columns: CsvFileBatch['columns'], kinds: ValueKind[], table: TablePlan, emittedAt: string, normalizedAt: string): TypedLines | undefined {
    const names = columns.map((c) => c.name);
    if (new Set(names).size !== names.length || table.columns.length !== names.length) return undefined;
    const order: number[] = [];
    const converters: Converter[] = [];
    for (const column of table.columns) {
      const index = column.path.length === 1 ? names.indexOf(column.path[0]) : -1;
      const converter = index === -1 ? undefined : converterOf(kinds[index], column.pgType);
      if (!converter) return undefined;
      order.push(index);
      converters.push(converter);
    }
    return new TypedLines(kinds, converters, order, names, emittedAt, normalizedAt);
  }

  /** Writes the record's typed COPY line to `out`; false (nothing written) when SQL must type it. */
  write(out: ByteWriter, id: Buffer, record: CsvRecord): boolean {
    const { data, starts, ends, quoted } = record;
    const rowStart = out.length;
    for (let i = 0; i < this.order.length; i++) {
      const f = this.order[i];
      const s = starts[f];
      const e = ends[f];
      if (s === e && !quoted[f]) {
        out.bytes(NULL_FIELD);
        continue;
      }
      const converter = this.converters[i];
      if (converter === 'text') {
        out.copyText(data, s, e, quoted[f] === 1);
      } else if (converter === 'boolean') {
        out.ascii(isTrue(data, s, e) ? 'true' : 'false');
      } else if (converter(data, s, e)) {
        // Valid numbers, dates and times are ASCII without quotes or escapes.
        out.bytes(data, s, e);
      } else {
        out.truncate(rowStart);
        return false;
      }
      out.byte(TAB);
    }
    out.bytes(id);
    out.bytes(this.metadata);
    // The hashid: md5(_airbyte_ab_id::text || _airbyte_data::text), as normalization-sql.ts's PARENT_HASHID.
    out.ascii(hash('md5', this.hashInput(id, record), 'hex'));
    out.bytes(NO_CHANGES);
    return true;
  }

  /** The id, then `_airbyte_data::text` of the raw row as jsonb prints it, for a row whose numbers are all plain decimals. */
  private hashInput(id: Buffer, record: CsvRecord): Buffer {
    const { data, starts, ends, quoted } = record;
    const json = this.jsonb;
    json.truncate(0);
    json.bytes(id);
    json.byte(0x7b);
    for (let j = 0; j < this.jsonOrder.length; j++) {
      const i = this.jsonOrder[j];
      if (j) json.ascii(', ');
      json.bytes(this.jsonKeys[i]);
      const s = starts[i];
      const e = ends[i];
      if (s === e && !quoted[i]) json.ascii('null');
      else if (this.kinds[i] === 'number') json.bytes(data, s, e);
      else if (this.kinds[i] === 'boolean') json.ascii(isTrue(data, s, e) ? 'true' : 'false');
      else json.jsonString(data, s, e, quoted[i] === 1, false);
    }
    json.byte(0x7d);
    return json.view();
  }
}
