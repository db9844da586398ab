// Hostile values, Postgres → S3, one table per case: each table is synced through source-postgres
// and destination-s3 (Parquet, then JSONL) on real services, read back independently (DuckDB for
// Parquet, PostgreSQL's own JSON parser for JSONL) and compared row by row, value by value, with
// what PostgreSQL itself renders for the source column.
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { PostgresService, type StartedPostgresService } from '@platform/services';
import type { AirbyteStream, ConfiguredAirbyteCatalog } from '@platform/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { destinationS3 } from './destination-s3/index';
import { minifyJson } from './framework/expand';
import type { S3FormatConfig } from './destination-s3/config';
import { getObject, lakeConfig, listKeys, queryParquet, startLake, type Lake } from './destination-s3/test/lake';
import { sourcePostgres, type PostgresSourceConfig } from './source-postgres/index';

const DATABASE = 'hostile_db';
const SLOW = 180_000;
const MB = 1024 * 1024;

interface Case {
  table: string;
  sql: string;
  /** Parquet column of a source column whose name must yield to another column's. */
  parquetNames?: Record<string, string>;
}

const CASES: Case[] = [
  {
    table: 'text_edges',
    sql: `CREATE TABLE text_edges (id int PRIMARY KEY, v text);
      INSERT INTO text_edges VALUES (1, ''), (2, NULL), (3, ' '), (4, 'NULL'), (5, '\\N'), (6, 'a,b'), (7, '"quoted" ""twice""'),
        (8, E'line1\\nline2'), (9, E'cr\\rcrlf\\r\\n'), (10, E'back\\\\slash\\\\'), (11, E'tab\\there'), (12, 'Zoë Ærøskøbing 🦆 東京'),
        (13, 'مرحبا עברית'), (14, E'\\u200Bzero-width\\uFEFF'), (15, E'\\x01\\x02\\x1f\\x7f control'), (16, '''single'''),
        (17, repeat('x', 100000)), (18, E'e\\u0301 combining'), (19, '   padded   '), (20, E'",\\n"'), (21, E'\\uFFFF \\U0010FFFF'), (22, 'NaN');`,
  },
  {
    table: 'big_text',
    sql: `CREATE TABLE big_text (id int PRIMARY KEY, v text);
      INSERT INTO big_text VALUES (1, repeat('a', ${5 * MB})), (2, repeat('b', ${10 * MB})), (3, 'small'),
        (4, repeat(E'x"y,\\n', ${MB})), (5, NULL);`,
  },
  {
    table: 'numeric_extremes',
    sql: `CREATE TABLE numeric_extremes (id int PRIMARY KEY, v numeric(38, 18));
      INSERT INTO numeric_extremes VALUES (1, 99999999999999999999.999999999999999999), (2, -99999999999999999999.999999999999999999),
        (3, 0.000000000000000001), (4, 0), (5, NULL), (6, -0.000000000000000001);`,
  },
  {
    table: 'numeric_special',
    sql: `CREATE TABLE numeric_special (id int PRIMARY KEY, free numeric, fixed numeric(10, 2), neg_scale numeric(5, -2), small numeric(2, 5));
      INSERT INTO numeric_special VALUES (1, 'NaN', 'NaN', 1234500, 0.00099), (2, 'Infinity', 12345678.90, -9999900, -0.00001),
        (3, '-Infinity', -0.01, NULL, NULL), (4, 12345678901234567890.12345678901234567890, NULL, 0, 0),
        (5, 1e-100, 0, 100, 0.00001), (6, 1e130, 1, 1, 0), (7, 1.10, 99999999.99, 0, 0), (8, NULL, NULL, NULL, NULL);`,
  },
  {
    table: 'float_special',
    sql: `CREATE TABLE float_special (id int PRIMARY KEY, f8 float8, f4 real);
      INSERT INTO float_special VALUES (1, 'NaN', 'NaN'), (2, 'Infinity', 'Infinity'), (3, '-Infinity', '-Infinity'), (4, '-0', '-0'),
        (5, 1.7976931348623157e308, 3.4028235e38), (6, 5e-324, 1e-45), (7, 0.1, 0.1), (8, NULL, NULL);`,
  },
  {
    table: 'temporal_extremes',
    sql: `CREATE TABLE temporal_extremes (id int PRIMARY KEY, ts timestamp, tz timestamptz, d date);
      INSERT INTO temporal_extremes VALUES (1, '0001-01-01 00:00:00', '0001-01-01 00:00:00+00', '0001-01-01'),
        (2, '9999-12-31 23:59:59.999999', '9999-12-31 23:59:59.999999+00', '9999-12-31'), (3, 'infinity', 'infinity', 'infinity'),
        (4, '-infinity', '-infinity', '-infinity'), (5, '2024-02-29 12:00:00.5', '2024-02-29 12:00:00.5+05:30', '2024-02-29'), (6, NULL, NULL, NULL);`,
  },
  {
    table: 'bc_temporal',
    sql: `CREATE TABLE bc_temporal (id int PRIMARY KEY, d date, ts timestamp, tz timestamptz);
      INSERT INTO bc_temporal VALUES (1, '0044-03-15 BC', '0044-03-15 10:00:00.123456 BC', '0044-03-15 10:00:00+00 BC'),
        (2, '4713-01-01 BC', '4713-01-01 00:00:00 BC', '4713-01-01 00:00:00+00 BC'), (3, '0001-12-31 BC', '0001-12-31 23:59:59.999999 BC', '0001-12-31 23:59:59+00 BC'),
        (4, '0045-02-29 BC', '0045-02-29 00:00:00 BC', '0045-02-29 12:00:00+00 BC'), (5, '0001-01-01', '0001-01-01 00:00:00', '0001-01-01 00:00:00+00');`,
  },
  {
    table: 'far_future',
    sql: `CREATE TABLE far_future (id int PRIMARY KEY, d date, ts timestamp, tz timestamptz);
      INSERT INTO far_future VALUES (1, '5874897-12-31', '294276-12-31 23:59:59.999999', '294276-12-31 23:59:59.999999+00'),
        (2, '10000-01-01', '10000-01-01 00:00:00', '10000-01-01 00:00:00+00'), (3, '2024-01-01', '294247-01-01 00:00:00', '2024-01-01 00:00:00+00');`,
  },
  {
    table: 'times',
    sql: `CREATE TABLE times (id int PRIMARY KEY, tt timetz, t time);
      INSERT INTO times VALUES (1, '12:00:00+05:30', '24:00:00'), (2, '23:59:59.999999-14', '00:00:00'), (3, '00:00:00+00', '12:34:56.789012'),
        (4, '12:00:00+05:30:15', NULL), (5, '08:00:00-03', '23:59:59.999999'), (6, NULL, NULL);`,
  },
  {
    table: 'intervals',
    sql: `CREATE TABLE intervals (id int PRIMARY KEY, v interval);
      INSERT INTO intervals VALUES (1, '1 year 2 mons 3 days 04:05:06.789'), (2, '-178000000 years'), (3, '1 day -1 second'), (4, '0'),
        (5, 'infinity'), (6, '-infinity'), (7, NULL);`,
  },
  {
    table: 'arrays',
    sql: `CREATE TABLE arrays (id int PRIMARY KEY, ints int[], texts text[], nums numeric[], grid int[][], dates date[], big int[]);
      INSERT INTO arrays VALUES (1, '{1,2,NULL}', '{"a,b",NULL,"","\\"q\\"","NULL"}', '{12345678901234567890.12345678901234567890,NaN,1e-30}',
        '{{1,2},{3,4}}', '{"0044-03-15 BC","2024-01-01",infinity}', ARRAY(SELECT generate_series(1, 100000))),
        (2, '{}', '{}', '{}', '{}', '{}', '{}'), (3, NULL, NULL, NULL, NULL, NULL, NULL);`,
  },
  {
    table: 'bytes_and_ids',
    sql: `CREATE TABLE bytes_and_ids (id int PRIMARY KEY, b bytea, u uuid);
      INSERT INTO bytes_and_ids VALUES (1, '\\x00ff10', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'), (2, '', '00000000-0000-0000-0000-000000000000'),
        (3, decode(repeat('00ff7f80', 50000), 'hex'), NULL), (4, NULL, 'ffffffff-ffff-ffff-ffff-ffffffffffff');`,
  },
  {
    table: 'Tricky "Table" ü.x',
    sql: `CREATE TABLE "Tricky ""Table"" ü.x" (id int PRIMARY KEY, "Col With Space" text, "quote""col" text, "ünïcödé" text, "select" text, "dot.col" text,
        "new
line	tab" text, "'single'" int);
      INSERT INTO "Tricky ""Table"" ü.x" VALUES (1, 'a', 'b', 'c', 'd', 'e', 'f', 1), (2, NULL, '', ' ', 'x', 'y', NULL, NULL);`,
  },
  {
    table: 'case_columns',
    sql: `CREATE TABLE case_columns (id int PRIMARY KEY, "UPPER" text, "upper" text, "Ä" text, "ä" text);
      INSERT INTO case_columns VALUES (1, 'big', 'small', 'A-umlaut', 'a-umlaut'), (2, NULL, 'only small', NULL, NULL);`,
    parquetNames: { upper: 'upper_2' },
  },
  {
    table: 'airbyte_named',
    sql: `CREATE TABLE airbyte_named (id int PRIMARY KEY, _airbyte_ab_id text, _airbyte_emitted_at text, _airbyte_unfit_values text);
      INSERT INTO airbyte_named VALUES (1, 'source id', 'source time', 'source unfit'), (2, NULL, '', NULL);`,
  },
  {
    table: 'flatten_collision',
    sql: `CREATE TABLE flatten_collision (id int PRIMARY KEY, a jsonb, a_b text);
      INSERT INTO flatten_collision VALUES (1, '{"b": "flattened"}', 'real'), (2, '{"b": null}', NULL), (3, NULL, 'only real');`,
  },
  {
    table: 'json_shapes',
    sql: `CREATE TABLE json_shapes (id int PRIMARY KEY, j jsonb);
      INSERT INTO json_shapes VALUES (1, '[1, 2, 3]'), (2, '"string"'), (3, '42'), (4, 'true'), (5, 'null'), (6, '{}'), (7, NULL),
        (8, '{"k": {"nested": [1, {"x": null}]}}'), (9, '{"": "empty key", "a.b": 1, "a/b": 2, "~": 3, "é": 4, "with \\"quote\\"": 5}'),
        (10, '{"big": 12345678901234567890.12345678901234567890, "huge": 1e400, "tiny": 1e-400}'), (11, '{"k": "v"}');`,
  },
  {
    table: 'json_duplicates',
    sql: `CREATE TABLE json_duplicates (id int PRIMARY KEY, j json);
      INSERT INTO json_duplicates VALUES (1, '{"dup":1,"dup":2}'), (2, '{"b": 1,   "a": [1,   2],
        "dup": "only"}'), (3, '{"dup": {"x": 1}, "dup": "last"}'), (4, '[{"dup": 1, "dup": 2}]'), (5, NULL);`,
  },
  {
    table: 'json_nul',
    // json (unlike jsonb) takes \u0000, so discover cannot sample it as jsonb: one JSON column.
    sql: `CREATE TABLE json_nul (id int PRIMARY KEY, j json);
      INSERT INTO json_nul VALUES (1, '{"a": "\\u0000", "b": 1}'), (2, '"\\u0000 and \\ud83e\\udd86"'), (3, '{"a": 1}');`,
  },
  {
    table: 'big_json',
    sql: `CREATE TABLE big_json (id int PRIMARY KEY, j jsonb);
      INSERT INTO big_json VALUES (1, jsonb_build_object('s', repeat('x', ${6 * MB}), 'n', 1)), (2, to_jsonb(ARRAY(SELECT generate_series(1, 500000)))),
        (3, jsonb_build_object('s', repeat(E'"\\\\\\n', ${MB}), 'n', 2)), (4, '{"s": "small", "n": 4}');`,
  },
  {
    table: 'misc_types',
    sql: `CREATE TYPE mood AS ENUM ('happy', 'ünïcode ''quoted''');
      CREATE TABLE misc_types (id int PRIMARY KEY, e mood, m money, ip inet, net cidr, mac macaddr, p point, tsv tsvector, x xml, bits varbit,
        r int4range, c char(5), n name, lsn pg_lsn, bx box, dr daterange, o oid, i2 int2, i8 int8, bo bool);
      INSERT INTO misc_types VALUES (1, 'ünïcode ''quoted''', 1234.56, '192.168.0.1/24', '10.0.0.0/8', '08:00:2b:01:02:03', '(1.5,-2)', 'a fat cat',
        '<a b="c">d &amp; e</a>', B'10101', '[1,10)', 'ab', 'name', '16/B374D848', '((0,0),(1,1))', '[0044-03-15 BC,2024-01-01)', 4294967295,
        -32768, -9223372036854775808, true),
        (2, 'happy', -0.01, '::1', '::/0', 'ff:ff:ff:ff:ff:ff', '(0,0)', '', '', B'', 'empty', '', '', '0/0', '((1,1),(1,1))', 'empty', 0, 32767, 9223372036854775807, false),
        (3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);`,
  },
  {
    table: 'json_drift',
    // The first rows (which discover samples) hold integers; later chunks hold text.
    sql: `CREATE TABLE json_drift (id int PRIMARY KEY, j jsonb);
      INSERT INTO json_drift SELECT i, CASE WHEN i <= 2000 THEN jsonb_build_object('k', i) ELSE jsonb_build_object('k', 'text ' || i) END
        FROM generate_series(1, 3000) AS i;`,
  },
];

/** PostgreSQL allows 1,600 columns; DuckDB's memory per thread grows with them. */
const WIDE_COLUMNS = 1500;
const WIDE_SQL = `DO $$ BEGIN
  EXECUTE 'CREATE TABLE wide (id int PRIMARY KEY, ' || (SELECT string_agg(format('c%s numeric(12, 2)', i), ', ') FROM generate_series(1, ${WIDE_COLUMNS}) AS i) || ')';
  EXECUTE 'INSERT INTO wide (id, c1, c750, c${WIDE_COLUMNS}) SELECT i, i / 100.0, -i, 1 FROM generate_series(1, 3000) AS i';
END $$`;

let postgres: StartedPostgresService;
let lake: Lake;
let root: string;
let source: PostgresSourceConfig;
let streams: AirbyteStream[];
const ctx = { log: () => undefined };

async function sql<T extends pg.QueryResultRow>(text: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: postgres.connectionUrl(DATABASE) });
  await client.connect();
  try {
    await client.query(`SET TimeZone = 'UTC'; SET DateStyle = 'ISO'; SET IntervalStyle = 'postgres'`);
    return (await client.query<T>(text, params)).rows;
  } finally {
    await client.end();
  }
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'hostile-values-'));
  // As root, Postgres runs as the `postgres` user and must be able to traverse the directory.
  await chmod(root, 0o755);
  [postgres, lake] = await Promise.all([new PostgresService({ dataDir: join(root, 'pg'), persistent: false, logicalReplication: false }).start(), startLake()]);
  await postgres.createDatabase(DATABASE);
  for (const c of CASES) await sql(c.sql);
  await sql(WIDE_SQL);
  await sql('ANALYZE');
  source = { host: postgres.host, port: postgres.port, database: DATABASE, schemas: ['public'], username: postgres.user, password: postgres.password, ssl_mode: { mode: 'prefer' } };
  streams = (await sourcePostgres.discover(source, ctx)).streams;
}, SLOW);

afterAll(async () => {
  await Promise.all([postgres?.stop(), lake?.stop()]);
  if (root) await rm(root, { recursive: true, force: true });
}, 60_000);

const FORMATS: Record<string, S3FormatConfig> = {
  Parquet: { format_type: 'Parquet', compression_codec: 'ZSTD' },
  JSONL: { format_type: 'JSONL' },
};

/** Syncs one table (full refresh, overwrite) in small chunks; returns the keys of its objects. */
async function syncTable(c: Case, format: string): Promise<string[]> {
  const stream = streams.find((s) => s.name === c.table)!;
  const catalog: ConfiguredAirbyteCatalog = { streams: [{ stream, sync_mode: 'full_refresh', destination_sync_mode: 'overwrite' }] };
  const bucketPath = `${format}-${c.table.replace(/[^a-z0-9_]/gi, '_')}`;
  const config = lakeConfig(lake, { s3_bucket_path: bucketPath, format: FORMATS[format] });
  const previousChunkRows = process.env.SOURCE_POSTGRES_CHUNK_ROWS;
  process.env.SOURCE_POSTGRES_CHUNK_ROWS = '1000';
  try {
    for await (const _ of destinationS3.write(config, catalog, sourcePostgres.read(source, catalog, undefined, ctx), ctx));
  } finally {
    if (previousChunkRows === undefined) delete process.env.SOURCE_POSTGRES_CHUNK_ROWS;
    else process.env.SOURCE_POSTGRES_CHUNK_ROWS = previousChunkRows;
  }
  return listKeys(lake, `${bucketPath}/`);
}

interface SourceColumn {
  name: string;
  /** format_type() spelling, to parse a lake value back into the column's type. */
  type: string;
  kind: 'json' | 'jsonb' | 'array' | 'bytea' | 'date' | 'timestamp' | 'numeric' | 'plain';
}

async function sourceColumns(table: string): Promise<SourceColumn[]> {
  const rows = await sql<{ name: string; type: string; typname: string; category: string }>(
    `SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type, t.typname, t.typcategory::text AS category
     FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid
     WHERE a.attrelid = $1::regclass AND a.attnum > 0 AND NOT a.attisdropped AND a.attname <> 'id' ORDER BY a.attnum`,
    [pg.escapeIdentifier(table)],
  );
  const kindOf = (r: (typeof rows)[number]): SourceColumn['kind'] => {
    if (r.category === 'A') return 'array';
    if (r.typname === 'jsonb') return 'jsonb';
    if (r.typname === 'json') return 'json';
    if (r.typname === 'bytea') return 'bytea';
    if (r.typname === 'date') return 'date';
    if (r.typname === 'timestamp' || r.typname === 'timestamptz') return 'timestamp';
    if (r.typname === 'numeric') return 'numeric';
    return 'plain';
  };
  return rows.map((r) => ({ name: r.name, type: r.type, kind: kindOf(r) }));
}

/** A string, or whitespace between JSON tokens (captured group 1: the string). */
const MINIFY_JSON_REGEX = String.raw`'("(?:[^"\\]|\\.)*")|[ \t\n\r]+'`;

/**
 * The canonical text both sides are compared on, computed by PostgreSQL: the value's own text
 * output; JSON as jsonb text (arrays as their to_jsonb); dates and timestamps as exact days /
 * microseconds since 1970 (or ±infinity), which DuckDB can render for Parquet columns too.
 */
function canonical(column: SourceColumn, value: string, jsonRecords: boolean): string {
  switch (column.kind) {
    case 'numeric':
      // A JSON number carries no display scale: 1.10 arrives as 1.1.
      return jsonRecords ? `trim_scale(${value})::text` : `(${value})::text`;
    case 'json':
      // json keeps its text (duplicate keys, key order); the lake may only drop whitespace.
      return `regexp_replace((${value})::text, ${MINIFY_JSON_REGEX}, '\\1', 'g')`;
    case 'jsonb':
      return `(${value})::jsonb::text`;
    case 'array':
      return `to_jsonb(${value})::text`;
    case 'date':
      return `CASE WHEN isfinite(${value}) THEN (${value} - date '1970-01-01')::text ELSE (${value})::text END`;
    case 'timestamp':
      return `CASE WHEN isfinite(${value}) THEN (extract(epoch FROM ${value}) * 1000000)::numeric(30, 0)::text ELSE (${value})::text END`;
    default:
      return `(${value})::text`;
  }
}

/** A lake value (as text) parsed back into the source column's type. */
function parsed(column: SourceColumn, text: string): string {
  if (column.kind === 'bytea') return `decode(${text}, 'base64')`;
  if (column.kind === 'jsonb' || column.kind === 'array') return `(${text})::jsonb`;
  if (column.kind === 'json') return `(${text})::json`;
  return `(${text})::${column.type}`;
}

/** DuckDB SQL for a Parquet column's canonical text (dates and timestamps), else its text. */
function parquetText(column: string, duckType: string): { sql: string; canonical: boolean } {
  const c = `"${column.replace(/"/g, '""')}"`;
  const infinite = `CASE WHEN ${c} > '1970-01-01' THEN 'infinity' ELSE '-infinity' END`;
  if (duckType === 'DATE') return { sql: `CASE WHEN isinf(${c}) THEN ${infinite} ELSE CAST(${c} - DATE '1970-01-01' AS VARCHAR) END`, canonical: true };
  if (duckType.startsWith('TIMESTAMP')) return { sql: `CASE WHEN isinf(${c}) THEN ${infinite} ELSE CAST(epoch_us(${c}) AS VARCHAR) END`, canonical: true };
  return { sql: `CAST(${c} AS VARCHAR)`, canonical: false };
}

/** Where a value the typed Parquet column cannot hold is kept. */
const UNFIT = '_airbyte_unfit_values';
const jsonPointer = (key: string) => `/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`;

/** Per source column: id → [text, is it already canonical]. */
type LakeValues = Map<string, Map<string, { text: string | null; canonical: boolean }>>;

async function parquetValues(keys: string[], columns: SourceColumn[], names: Record<string, string>): Promise<LakeValues> {
  const types = Object.fromEntries((await queryParquet(lake, keys, 'DESCRIBE lake')).map((r) => [r.column_name, String(r.column_type)]));
  // Like every generated name, it yields to a source column of the same name.
  const unfitColumn = columns.some((c) => c.name === UNFIT) ? `${UNFIT}_2` : UNFIT;
  const selects = columns.flatMap((column, i) => {
    const name = names[column.name] ?? column.name;
    const text = parquetText(name, types[name]);
    const unfit = unfitColumn in types ? `json_extract_string("${unfitColumn}", '${jsonPointer(column.name).replace(/'/g, "''")}')` : 'CAST(NULL AS VARCHAR)';
    return [`coalesce(${unfit}, ${text.sql}) AS v${i}`, `${unfit} IS NULL AND ${text.canonical} AS c${i}`];
  });
  const rows = await queryParquet(lake, keys, `SELECT CAST(id AS VARCHAR) AS id, ${selects.join(', ')} FROM lake`);
  return new Map(columns.map((column, i) => [column.name, new Map(rows.map((r) => [String(r.id), { text: r[`v${i}`] as string | null, canonical: r[`c${i}`] === true }]))]));
}

/**
 * The members of a JSON object as their raw text, keyed by name: nothing is parsed but the
 * keys, so numbers keep every digit and "\u0000" stays as written (PostgreSQL's json
 * functions refuse it, JSON.parse would round numbers).
 */
function rawMembers(object: string): Map<string, string> {
  const members = new Map<string, string>();
  const stringEnd = (from: number) => {
    let j = from + 1;
    while (object[j] !== '"') j += object[j] === '\\' ? 2 : 1;
    return j + 1;
  };
  let i = 1;
  while (object[i] !== '}') {
    const keyEnd = stringEnd(i);
    const start = keyEnd + 1;
    let j = start;
    for (let depth = 0; depth > 0 || (object[j] !== ',' && object[j] !== '}'); ) {
      if (object[j] === '"') j = stringEnd(j);
      else {
        if (object[j] === '{' || object[j] === '[') depth++;
        else if (object[j] === '}' || object[j] === ']') depth--;
        j++;
      }
    }
    members.set(JSON.parse(object.slice(i, keyEnd)) as string, object.slice(start, j));
    i = object[j] === ',' ? j + 1 : j;
  }
  return members;
}

/** JSONL lines, each value taken from its raw text. */
async function jsonlValues(keys: string[], columns: SourceColumn[]): Promise<LakeValues> {
  const lines = (await Promise.all(keys.map(async (key) => (await getObject(lake, key)).toString('utf8').split('\n').filter(Boolean)))).flat();
  const records = lines.map((line) => rawMembers(rawMembers(line).get('_airbyte_data')!));
  const textOf = (column: SourceColumn, raw: string | undefined): string | null => {
    // A JSON record cannot tell SQL NULL from JSON null in a json column (nor can Airbyte's).
    if (raw === undefined || raw === 'null') return null;
    if (column.kind === 'json' || column.kind === 'jsonb' || column.kind === 'array') return raw;
    return raw.startsWith('"') ? (JSON.parse(raw) as string) : raw;
  };
  return new Map(columns.map((column) => [column.name, new Map(records.map((r) => [r.get('id')!, { text: textOf(column, r.get(column.name)), canonical: false }]))]));
}

const short = (text: string | null) => (text === null ? null : text.length > 80 ? `${text.slice(0, 60)}… (${text.length} chars)` : text);

/** Every value that differs between the source and the lake, as `id.column: expected ≠ actual`. */
async function mismatches(table: string, columns: SourceColumn[], lakeValues: LakeValues, jsonRecords: boolean): Promise<string[]> {
  const found: string[] = [];
  for (const column of columns) {
    const values = [...lakeValues.get(column.name)!];
    const col = `s.${pg.escapeIdentifier(column.name)}`;
    const sourceValue = jsonRecords && (column.kind === 'json' || column.kind === 'jsonb') ? `CASE WHEN ${col}::text <> 'null' THEN ${col} END` : col;
    const rows = await sql<{ id: string | null; expected: string | null; actual: string | null }>(
      `SELECT coalesce(s.id::text, l.id) AS id, ${canonical(column, sourceValue, jsonRecords)} AS expected,
         CASE WHEN l.canonical THEN l.v ELSE ${canonical(column, parsed(column, 'l.v'), jsonRecords)} END AS actual
       FROM ${pg.escapeIdentifier(table)} AS s
       FULL JOIN unnest($1::text[], $2::text[], $3::boolean[]) AS l(id, v, canonical) ON l.id = s.id::text`,
      [values.map(([id]) => id), values.map(([, v]) => v.text), values.map(([, v]) => v.canonical)],
    );
    for (const r of rows) if (r.expected !== r.actual) found.push(`${r.id}.${column.name}: ${short(r.expected)} ≠ ${short(r.actual)}`);
  }
  return found;
}

describe.each(Object.keys(FORMATS))('Postgres → S3 %s keeps every hostile value exact', (format) => {
  it.each(CASES.map((c) => [c.table, c] as const))('%s', async (_, c) => {
    const keys = await syncTable(c, format);
    expect(keys.length).toBeGreaterThan(0);
    const columns = await sourceColumns(c.table);
    const lakeValues = format === 'Parquet' ? await parquetValues(keys, columns, c.parquetNames ?? {}) : await jsonlValues(keys, columns);
    expect(await mismatches(c.table, columns, lakeValues, format === 'JSONL')).toEqual([]);
  }, SLOW);
});

/** Parquet of one table, synced afresh. */
async function parquetOf(table: string): Promise<string[]> {
  return syncTable(CASES.find((c) => c.table === table)!, 'Parquet');
}

describe('Postgres → S3 Parquet: names and flattened JSON', () => {
  it('real columns keep their names; generated names yield', async () => {
    const keys = await parquetOf('airbyte_named');
    const rows = await queryParquet(lake, keys, 'SELECT * FROM lake ORDER BY id');
    expect(rows.map((r) => ({ ...r, _airbyte_ab_id_2: typeof r._airbyte_ab_id_2, _airbyte_emitted_at_2: typeof r._airbyte_emitted_at_2 }))).toEqual([
      { id: '1', _airbyte_ab_id: 'source id', _airbyte_emitted_at: 'source time', _airbyte_unfit_values: 'source unfit', _airbyte_ab_id_2: 'string', _airbyte_emitted_at_2: 'string', _airbyte_unfit_values_2: null },
      { id: '2', _airbyte_ab_id: null, _airbyte_emitted_at: '', _airbyte_unfit_values: null, _airbyte_ab_id_2: 'string', _airbyte_emitted_at_2: 'string', _airbyte_unfit_values_2: null },
    ]);
    const collision = await queryParquet(lake, await parquetOf('flatten_collision'), 'SELECT id, a, a_b, a_b_2 FROM lake ORDER BY id');
    expect(collision).toEqual([
      { id: '1', a: '{"b":"flattened"}', a_b: 'real', a_b_2: 'flattened' },
      { id: '2', a: '{"b":null}', a_b: null, a_b_2: null },
      { id: '3', a: null, a_b: 'only real', a_b_2: null },
    ]);
  }, SLOW);

  it('flattens declared JSON keys, "" included, as PostgreSQL reads them (the last of duplicate keys)', async () => {
    const shapes = await queryParquet(lake, await parquetOf('json_shapes'), 'SELECT id, "j_", "j_a.b", "j_a/b", "j_~", "j_é", j_k FROM lake WHERE id IN (1, 3, 9, 11) ORDER BY id');
    expect(shapes).toEqual([
      { id: '1', 'j_': null, 'j_a.b': null, 'j_a/b': null, 'j_~': null, 'j_é': null, j_k: null },
      { id: '3', 'j_': null, 'j_a.b': null, 'j_a/b': null, 'j_~': null, 'j_é': null, j_k: null },
      { id: '9', 'j_': 'empty key', 'j_a.b': '1', 'j_a/b': '2', 'j_~': '3', 'j_é': '4', j_k: null },
      { id: '11', 'j_': null, 'j_a.b': null, 'j_a/b': null, 'j_~': null, 'j_é': null, j_k: 'v' },
    ]);
    // Documents over 1 MB stay whole, unflattened.
    const big = await queryParquet(lake, await parquetOf('big_json'), 'SELECT CAST(id AS VARCHAR) AS id, j_n, j_s, strlen(j) > 0 AS whole FROM lake ORDER BY id');
    expect(big).toEqual([
      { id: '1', j_n: null, j_s: null, whole: true },
      { id: '2', j_n: null, j_s: null, whole: true },
      { id: '3', j_n: null, j_s: null, whole: true },
      { id: '4', j_n: '4', j_s: 'small', whole: true },
    ]);
    // The json column itself keeps its text (duplicates, key order) with only whitespace removed.
    const expected = await sql<{ id: string; j: string | null; dup: string | null }>(`SELECT id::text AS id, j::text AS j, j ->> 'dup' AS dup FROM json_duplicates ORDER BY id`);
    const duplicates = await queryParquet(lake, await parquetOf('json_duplicates'), 'SELECT CAST(id AS VARCHAR) AS id, j, j_dup AS dup FROM lake ORDER BY id');
    expect(duplicates).toEqual(expected.map((r) => ({ ...r, j: r.j === null ? null : minifyJson(r.j) })));
  }, SLOW);

  it(`converts a table of ${WIDE_COLUMNS} columns within DuckDB's default memory limit`, async () => {
    const keys = await syncTable({ table: 'wide', sql: WIDE_SQL }, 'Parquet');
    const [expected] = await sql(`SELECT count(*)::text AS n, sum(c1)::text AS a, sum(c750)::text AS b, sum(c${WIDE_COLUMNS})::text AS c, count(c2)::text AS d FROM wide`);
    const [actual] = await queryParquet(lake, keys, `SELECT count(*)::VARCHAR AS n, sum(c1)::VARCHAR AS a, sum(c750)::VARCHAR AS b, sum(c${WIDE_COLUMNS})::VARCHAR AS c, count(c2)::VARCHAR AS d FROM lake`);
    expect(actual).toEqual(expected);
  }, SLOW);

  it('gives every file of a stream the schema the catalog declares, whatever the values', async () => {
    const keys = await parquetOf('json_drift');
    expect(keys.length).toBeGreaterThan(1);
    const schemas = await queryParquet(lake, keys, `SELECT string_agg(name || ' ' || coalesce(type, '') || ' ' || coalesce(logical_type, ''), ', ' ORDER BY name) AS s FROM lake_schema GROUP BY file_name`);
    expect(new Set(schemas.map((s) => s.s)).size).toBe(1);
    const [counts] = await queryParquet(lake, keys, `SELECT count(*) AS n, count(j_k) AS k, count(j) AS j FROM lake_strict`);
    expect(counts).toEqual({ n: '3000', k: '2000', j: '3000' });
  }, SLOW);
});
