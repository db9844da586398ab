// Basic normalization's typed row for an overwrite, written as COPY text in the same pass that
// writes the raw row (csv-raw-lines.ts), instead of re-reading the raw table's jsonb in SQL.
// It must equal what normalization-sql.ts's selectFinal makes of the raw row, so it only takes
// a row when that is certain: every value is one the column's type surely accepts (COPY into a
// typed column runs the same input function as the SQL cast, in a session with the same
// settings), and the record's jsonb text, which the hashid is an md5 of, is known exactly. Any
// other row is left to that SQL (its _airbyte_ab_id is handed back), including every row whose
// cast would fail and so needs _airbyte_meta.changes.
import { createHash } from 'node:crypto';
import type { CsvFileBatch } from '../framework/batches';
import { ByteWriter, type CsvRecord } from './csv-bytes';
import { isTrue, type ValueKind } from './csv-raw-lines';
import type { TablePlan } from './normalization-plan';

/** How a column's CSV text becomes its typed COPY text; undefined when the row must go to SQL. */
type TypedText = (text: string) => string | undefined;

/** Text columns take the CSV's bytes as they are. */
const TEXT: TypedText = (text) => text;
const PLAIN_DECIMAL = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?$/;
const BIGINT = /^-?(0|[1-9][0-9]{0,17})$/;
const DATE = /^([0-9]{4})-([0-9]{2})-([0-9]{2})$/;
const TIME = /^([0-9]{2}):([0-9]{2}):([0-9]{2})(\.[0-9]{1,6})?$/;
const OFFSET = /^[+-]([0-9]{2})(?::([0-9]{2}))?$/;

const daysIn = (year: number, month: number) => (month === 2 ? (year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28) : [4, 6, 9, 11].includes(month) ? 30 : 31);

function isDate(text: string): boolean {
  const m = DATE.exec(text);
  if (!m) return false;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  return year >= 1 && month >= 1 && month <= 12 && day >= 1 && day <= daysIn(year, month);
}

function isTime(text: string): boolean {
  const m = TIME.exec(text);
  return m !== null && Number(m[1]) <= 23 && Number(m[2]) <= 59 && Number(m[3]) <= 59;
}

/** "+HH", "+HH:MM" (within ±14:59) or "Z", Postgres's own output and ISO 8601's. */
function isOffset(text: string): boolean {
  if (text === 'Z') return true;
  const m = OFFSET.exec(text);
  return m !== null && Number(m[1]) <= 14 && (m[2] === undefined || Number(m[2]) <= 59);
}

/** "<date> <time>[<offset>]" (or "T" between them); the offset required for timestamptz and refused for timestamp. */
function isTimestamp(text: string, withZone: boolean): boolean {
  if (text.length < 19 || (text[10] !== ' ' && text[10] !== 'T')) return false;
  if (!isDate(text.slice(0, 10))) return false;
  const rest = text.slice(11);
  const zoneAt = rest.search(/[+Z-]/);
  if (!withZone) return zoneAt === -1 && isTime(rest);
  return zoneAt !== -1 && isTime(rest.slice(0, zoneAt)) && isOffset(rest.slice(zoneAt));
}

function isTimeWithZone(text: string): boolean {
  const zoneAt = text.search(/[+Z-]/);
  return zoneAt !== -1 && isTime(text.slice(0, zoneAt)) && isOffset(text.slice(zoneAt));
}

const NUMERIC_TYPMOD = /^numeric\(([0-9]+),([0-9]+)\)$/;

/** A plain decimal fits numeric(p,s) when its integer digits leave room, also for a carry when it rounds. */
function fitsNumeric(text: string, precision: number, scale: number): boolean {
  const unsigned = text.startsWith('-') ? text.slice(1) : text;
  const point = unsigned.indexOf('.');
  const integer = point === -1 ? unsigned : unsigned.slice(0, point);
  const fraction = point === -1 ? '' : unsigned.slice(point + 1);
  const integerDigits = integer === '0' ? 0 : integer.length;
  return integerDigits < precision - scale || (integerDigits === precision - scale && fraction.length <= scale);
}

/**
 * The converter of one column, or undefined when its (CSV kind, column type) pair has none, which
 * leaves the whole stream to SQL. The typed text is what `_airbyte_data #>> '{column}'` gives for
 * the raw value csv-raw-lines.ts writes.
 */
function typedTextOf(kind: ValueKind, pgType: string): TypedText | undefined {
  if (kind === 'boolean') return pgType === 'boolean' ? (text) => (text === 't' || text === 'true' ? 'true' : 'false') : undefined;
  if (kind === 'number') {
    // The raw value is a JSON number only when it is a plain decimal (not -0, which stays a string); jsonb prints those as written.
    const plain = (text: string) => PLAIN_DECIMAL.test(text) && !(text.startsWith('-0') && /^-0(\.0*)?$/.test(text));
    if (pgType === 'bigint') return (text) => (BIGINT.test(text) && text !== '-0' ? text : undefined);
    if (pgType === 'numeric') return (text) => (plain(text) ? text : undefined);
    const typmod = NUMERIC_TYPMOD.exec(pgType);
    if (!typmod) return undefined;
    const [precision, scale] = [Number(typmod[1]), Number(typmod[2])];
    if (scale > precision) return undefined;
    return (text) => (plain(text) && fitsNumeric(text, precision, scale) ? text : undefined);
  }
  switch (pgType) {
    case 'text':
      return TEXT;
    case 'date':
      return (text) => (isDate(text) ? text : undefined);
    case 'timestamptz':
      return (text) => (isTimestamp(text, true) ? text : undefined);
    case 'timestamp':
      return (text) => (isTimestamp(text, false) ? text : undefined);
    case 'time':
      return (text) => (isTime(text) ? text : undefined);
    case 'timetz':
      return (text) => (isTimeWithZone(text) ? text : undefined);
    default:
      return undefined;
  }
}

/** jsonb's key order: shorter keys first, then by their bytes. */
function jsonbKeyOrder(names: string[]): number[] {
  const bytes = names.map((n) => Buffer.from(n, 'utf8'));
  return names.map((_, i) => i).sort((a, b) => bytes[a].length - bytes[b].length || Buffer.compare(bytes[a], bytes[b]));
}

const NO_CHANGES = '{"changes": []}';
const TAB = 9;

/** Writes typed rows of one chunk whose columns are exactly the final table's value columns. */
export class TypedLines {
  /** The typed text of the column's value, when it needs a check or a rewrite (dates, numbers, booleans); undefined for text. */
  private readonly converters: Array<TypedText | undefined>;
  /** Chunk column index of each final-table column, in the table's column order. */
  private readonly order: number[];
  /** Each key as `"name": ` in JSON, in jsonb's key order. */
  private readonly jsonKeys: Buffer[];
  private readonly jsonOrder: number[];
  private readonly metadata: string;
  private readonly jsonb = new ByteWriter();

  private constructor(
    private readonly kinds: ValueKind[],
    converters: Array<TypedText | undefined>,
    order: number[],
    names: string[],
    emittedAt: string,
    normalizedAt: string,
  ) {
    this.converters = converters;
    this.order = order;
    this.jsonOrder = jsonbKeyOrder(names);
    this.jsonKeys = names.map((n) => Buffer.from(`${JSON.stringify(n)}: `));
    this.metadata = `\t${emittedAt}\t${normalizedAt}\t`;
  }

  /** Undefined when the chunk's columns are not the table's own scalar columns, or a pair has no converter. */
  static forChunk(columns: CsvFileBatch['columns'], kinds: ValueKind[], table: TablePlan, emittedAt: string, normalizedAt: string): TypedLines | undefined {
    const names = columns.map((c) => c.name);
    if (new Set(names).size !== names.length || table.columns.length !== names.length) return undefined;
    const order: number[] = [];
    const converters: Array<TypedText | undefined> = [];
    for (const column of table.columns) {
      const index = column.path.length === 1 ? names.indexOf(column.path[0]) : -1;
      const converter = index === -1 ? undefined : typedTextOf(kinds[index], column.pgType);
      if (!converter) return undefined;
      order.push(index);
      converters.push(converter === TEXT ? undefined : converter);
    }
    return new TypedLines(kinds, converters, order, names, emittedAt, normalizedAt);
  }

  /** Writes the record's typed COPY line to `out`; false (nothing written) when SQL must type it. */
  write(out: ByteWriter, id: string, record: CsvRecord): boolean {
    const { data, starts, ends, quoted } = record;
    const rowStart = out.length;
    for (let i = 0; i < this.order.length; i++) {
      const f = this.order[i];
      const s = starts[f];
      const e = ends[f];
      if (s === e && !quoted[f]) {
        out.ascii('\\N\t');
        continue;
      }
      const converter = this.converters[i];
      if (converter === undefined) {
        out.copyText(data, s, e, quoted[f] === 1);
      } else {
        // Dates, numbers and booleans never need quoting or escapes when they are valid.
        const typed = quoted[f] && data.indexOf(QUOTE, s) < e ? undefined : converter(data.toString('latin1', s, e));
        if (typed === undefined || !isAscii(typed)) {
          out.truncate(rowStart);
          return false;
        }
        out.ascii(typed);
      }
      out.byte(TAB);
    }
    out.ascii(id);
    out.ascii(this.metadata);
    out.ascii(createHash('md5').update(id).update(this.jsonbText(record)).digest('hex'));
    out.byte(TAB);
    out.ascii(NO_CHANGES);
    out.byte(0x0a);
    return true;
  }

  /** `_airbyte_data::text` of the raw row, as jsonb prints it, for a row whose numbers are all plain decimals. */
  private jsonbText(record: CsvRecord): Buffer {
    const { data, starts, ends, quoted } = record;
    const json = this.jsonb;
    json.truncate(0);
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

const QUOTE = 34;
const isAscii = (text: string) => /^[\x20-\x7e]*$/.test(text);
