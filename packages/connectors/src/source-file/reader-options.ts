// `reader_options` is a JSON string of pandas `read_csv` keyword arguments in Airbyte's
// source-file. We honour the keys below with pandas' meaning and ignore (with a warning) the rest,
// so configs written for Airbyte keep working where their intent is clear.
import { configError } from '../framework/errors';
import type { FileFormat } from './config';
import type { CsvDialect } from './formats/csv-tokenizer';
import { resolveEncoding, type TextEncoding } from './text-decoder';

export type Compression = 'infer' | 'gzip' | 'none';

export interface ReaderOptions {
  dialect: CsvDialect;
  /** Which non-blank row (after `skipRows`) holds the column names; null = no header row. */
  headerRow: number | null;
  /** Explicit column names (pandas `names`). */
  names: string[] | null;
  encoding: TextEncoding;
  /** Physical lines dropped before anything is parsed (pandas `skiprows` as an int). */
  skipRows: number;
  /** Stop after this many data rows (pandas `nrows`). */
  maxRows: number | null;
  /** Field texts read as null. */
  naValues: ReadonlySet<string>;
  compression: Compression;
}

const CSV_OPTION_KEYS = [
  'sep', 'delimiter', 'header', 'names', 'quotechar', 'quoting', 'doublequote', 'escapechar',
  'encoding', 'skiprows', 'nrows', 'na_values', 'keep_default_na', 'compression',
] as const;
const JSONL_OPTION_KEYS = ['encoding', 'compression', 'nrows'] as const;

/** pandas' default NA strings: read_csv turns these into NaN, which Airbyte emits as null. */
const PANDAS_DEFAULT_NA = [
  '', '#N/A', '#N/A N/A', '#NA', '-1.#IND', '-1.#QNAN', '-NaN', '-nan', '1.#IND', '1.#QNAN',
  '<NA>', 'N/A', 'NA', 'NULL', 'NaN', 'None', 'n/a', 'nan', 'null',
];
const QUOTE_NONE = 3;

function invalid(key: string, expected: string): never {
  throw configError(`reader_options.${key} must be ${expected}`);
}

function parseJsonObject(text: string | undefined): Record<string, unknown> {
  if (text === undefined || text.trim() === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw configError(`reader_options is not valid JSON (${(err as Error).message}); use double quotes, e.g. {"sep": ";"}`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw configError('reader_options must be a JSON object, e.g. {"sep": ";"}');
  return value as Record<string, unknown>;
}

function singleChar(o: Record<string, unknown>, key: string, fallback: string | null): string | null {
  const v = o[key];
  if (v === undefined) return fallback;
  if (v === null) return null;
  if (typeof v !== 'string' || v.length !== 1) invalid(key, 'a single character (regular-expression separators are not supported)');
  return v;
}

function nonNegativeInt(o: Record<string, unknown>, key: string): number | null {
  const v = o[key];
  if (v === undefined || v === null) return null;
  if (!Number.isInteger(v) || (v as number) < 0) invalid(key, 'a non-negative integer');
  return v as number;
}

function stringList(o: Record<string, unknown>, key: string): string[] | null {
  const v = o[key];
  if (v === undefined || v === null) return null;
  const list = typeof v === 'string' ? [v] : v;
  if (!Array.isArray(list) || !list.every((x) => typeof x === 'string' || typeof x === 'number')) invalid(key, 'a string or a list of strings');
  return list.map(String);
}

function headerRow(o: Record<string, unknown>, names: string[] | null): number | null {
  const v = o.header;
  if (v === undefined || v === 'infer') return names ? null : 0;
  if (v === null) return null;
  if (!Number.isInteger(v) || (v as number) < 0) invalid('header', '0 (first row), a row number, "infer" or null (no header row)');
  return v as number;
}

function compression(o: Record<string, unknown>): Compression {
  const v = o.compression;
  if (v === undefined || v === 'infer') return 'infer';
  if (v === null) return 'none';
  if (v === 'gzip') return 'gzip';
  return invalid('compression', '"infer", "gzip" or null (other codecs are not supported)');
}

function naValues(o: Record<string, unknown>): Set<string> {
  const keepDefault = o.keep_default_na ?? true;
  if (typeof keepDefault !== 'boolean') invalid('keep_default_na', 'true or false');
  return new Set([...(keepDefault ? PANDAS_DEFAULT_NA : []), ...(stringList(o, 'na_values') ?? [])]);
}

function dialect(o: Record<string, unknown>): CsvDialect {
  const delimiter = singleChar(o, 'delimiter', null) ?? singleChar(o, 'sep', ',');
  if (delimiter === null) invalid('sep', 'a single character');
  const quoting = o.quoting ?? 0;
  if (!Number.isInteger(quoting) || (quoting as number) < 0 || (quoting as number) > 3) invalid('quoting', 'an integer 0-3 (csv.QUOTE_* constants)');
  const doubleQuote = o.doublequote ?? true;
  if (typeof doubleQuote !== 'boolean') invalid('doublequote', 'true or false');
  return {
    delimiter,
    quoteChar: quoting === QUOTE_NONE ? null : singleChar(o, 'quotechar', '"'),
    doubleQuote,
    escapeChar: singleChar(o, 'escapechar', null),
  };
}

/** Parses and checks `reader_options`; `ignoredKeys` are the keys this reader does not honour. */
export function parseReaderOptions(text: string | undefined, format: FileFormat): { options: ReaderOptions; ignoredKeys: string[] } {
  const o = parseJsonObject(text);
  const honoured: readonly string[] = format === 'csv' ? CSV_OPTION_KEYS : JSONL_OPTION_KEYS;
  const encodingName = o.encoding ?? 'utf-8';
  if (typeof encodingName !== 'string') invalid('encoding', 'a string such as "utf-8" or "latin1"');
  const names = stringList(o, 'names');
  return {
    options: {
      dialect: dialect(o),
      headerRow: headerRow(o, names),
      names,
      encoding: resolveEncoding(encodingName),
      skipRows: nonNegativeInt(o, 'skiprows') ?? 0,
      maxRows: nonNegativeInt(o, 'nrows'),
      naValues: naValues(o),
      compression: compression(o),
    },
    ignoredKeys: Object.keys(o).filter((k) => !honoured.includes(k)),
  };
}
