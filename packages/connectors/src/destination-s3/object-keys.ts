// Object keys: `<s3_bucket_path>/<s3_path_format><file name>`, with Airbyte's ${...} path
// variables and {...} file-name placeholders. Besides naming new files, the same template
// recognises a stream's earlier files, so overwrite deletes exactly those and nothing that
// merely shares a prefix (`customers_addresses/` next to `customers/`). That recognition is
// exact only because templatePathProblems refuses templates that cannot separate streams:
// ${STREAM_NAME} and ${NAMESPACE} each end a path segment holding no other variable, and
// names are encoded into one segment each (key-segments.ts).
import { randomUUID } from 'node:crypto';
import type { ConfigProblem } from '../framework/connector';
import { configError } from '../framework/errors';
import { keySegment } from './key-segments';

const PATH_VARIABLES = ['NAMESPACE', 'STREAM_NAME', 'YEAR', 'MONTH', 'DAY', 'HOUR', 'MINUTE', 'SECOND', 'MILLISECOND', 'EPOCH', 'UUID'] as const;
const FILE_PLACEHOLDERS = ['date', 'date:yyyy_MM', 'timestamp', 'timestamp:millis', 'timestamp:micros', 'part_number', 'sync_id', 'format_extension'] as const;
type Variable = (typeof PATH_VARIABLES)[number] | (typeof FILE_PLACEHOLDERS)[number];
type Piece = string | { variable: Variable };
export type KeyTemplate = readonly Piece[];
type TemplateField = 's3_bucket_path' | 's3_path_format' | 'file_name_pattern';

/** The part number used when a file-name pattern does not give its own file name. */
const DEFAULT_FILE_NAME = '{part_number}{format_extension}';

// How each variable looks in a key written by any sync; used to recognise old files.
const ANY_SYNC_PATTERN: Record<Exclude<Variable, 'NAMESPACE' | 'STREAM_NAME'>, string> = {
  YEAR: '\\d{4}',
  MONTH: '\\d{2}',
  DAY: '\\d{2}',
  HOUR: '\\d{2}',
  MINUTE: '\\d{2}',
  SECOND: '\\d{2}',
  MILLISECOND: '\\d{3}',
  EPOCH: '\\d+',
  UUID: '[0-9a-f-]{36}',
  date: '\\d{4}_\\d{2}_\\d{2}',
  'date:yyyy_MM': '\\d{4}_\\d{2}',
  timestamp: '\\d+',
  'timestamp:millis': '\\d+',
  'timestamp:micros': '\\d+',
  part_number: '\\d+',
  sync_id: '\\d+',
  // A stream switched from CSV to Parquet still has its old files replaced on overwrite.
  format_extension: '\\.(?:parquet|jsonl|csv)(?:\\.gz)?',
};

function tokenize(text: string, syntax: RegExp, known: readonly string[], field: string): Piece[] {
  const pieces: Piece[] = [];
  let last = 0;
  for (const m of text.matchAll(syntax)) {
    const name = m[1];
    if (!known.includes(name)) throw configError(`${field} uses unknown variable "${m[0]}"; known: ${known.map((k) => (field === 'file_name_pattern' ? `{${k}}` : `\${${k}}`)).join(' ')}`);
    pieces.push(text.slice(last, m.index), { variable: name as Variable });
    last = m.index + m[0].length;
  }
  pieces.push(text.slice(last));
  return pieces;
}

const pathPieces = (text: string, field: TemplateField) => tokenize(text, /\$\{([^}]*)\}/g, PATH_VARIABLES, field);

function fileNamePieces(fileNamePattern: string | undefined): Piece[] {
  const fileName = tokenize(fileNamePattern ?? DEFAULT_FILE_NAME, /\{([^}]*)\}/g, FILE_PLACEHOLDERS, 'file_name_pattern');
  const has = (v: Variable) => fileName.some((p) => typeof p !== 'string' && p.variable === v);
  // Several files per stream and sync need distinct names, and readers want the extension.
  if (!has('part_number')) fileName.push('_', { variable: 'part_number' });
  if (!has('format_extension')) fileName.push({ variable: 'format_extension' });
  return fileName;
}

/** Parses the configured key template; throws config_error naming an unknown variable. */
export function parseKeyTemplate(bucketPath: string, pathFormat: string, fileNamePattern?: string): KeyTemplate {
  return [...pathPieces(bucketPath, 's3_bucket_path'), '/', ...pathPieces(pathFormat, 's3_path_format'), ...fileNamePieces(fileNamePattern)];
}

const EXAMPLE_PATH_FORMAT = '${NAMESPACE}/${STREAM_NAME}/${YEAR}_${MONTH}_${DAY}_${EPOCH}_';
const isVariable = (p: Piece, ...names: Variable[]): p is { variable: Variable } => typeof p !== 'string' && names.includes(p.variable);

/**
 * Why a template is refused, per field: unknown variables; `..` or a `.` segment (keys would
 * leave the bucket path, and S3 servers reject them); no ${STREAM_NAME}; ${STREAM_NAME} or
 * ${NAMESPACE} not ending a path segment, or sharing it with another variable. With any of
 * those, the objects of two streams (`a` and `a1` under "${STREAM_NAME}${EPOCH}_") could not
 * be told apart and an overwrite of one would delete the other's.
 */
export function templatePathProblems(bucketPath: string, pathFormat: string, fileNamePattern?: string): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const parsed: Array<{ field: TemplateField; pieces: Piece[] }> = [];
  for (const [field, parse] of [
    ['s3_bucket_path', () => pathPieces(bucketPath, 's3_bucket_path')],
    ['s3_path_format', () => pathPieces(pathFormat, 's3_path_format')],
    ['file_name_pattern', () => fileNamePieces(fileNamePattern)],
  ] as const) {
    try {
      parsed.push({ field, pieces: parse() });
    } catch (err) {
      problems.push({ path: field, message: (err as Error).message.replace(`${field} `, '') });
    }
  }
  if (problems.length > 0) return problems;

  // Segments of the whole key (bucket path, "/", path format, file name), each piece tagged with its field.
  const segments: Array<Array<{ piece: Piece; field: TemplateField }>> = [[]];
  parsed.forEach(({ field, pieces }, i) => {
    for (const piece of i === 1 ? ['/', ...pieces] : pieces) {
      if (typeof piece !== 'string') {
        segments[segments.length - 1].push({ piece, field });
        continue;
      }
      piece.split('/').forEach((text, j) => {
        if (j > 0) segments.push([]);
        if (text) segments[segments.length - 1].push({ piece: text, field });
      });
    }
  });

  const refuse = (field: TemplateField, message: string) => {
    if (!problems.some((p) => p.path === field && p.message === message)) problems.push({ path: field, message });
  };
  for (const { field, pieces } of parsed) {
    if (pieces.some((p) => typeof p === 'string' && p.includes('..'))) refuse(field, 'must not contain ".." (keys would resolve outside the bucket path)');
  }
  segments.forEach((segment, i) => {
    // An empty namespace drops out of a segment; what is left must not be "." either.
    const literal = segment.map(({ piece }) => (typeof piece === 'string' ? piece : isVariable(piece, 'NAMESPACE') ? '' : '\u0000')).join('');
    if (literal === '.' && segment.length > 0) refuse(segment[0].field, 'must not contain a "." path segment');
    const isFileName = i === segments.length - 1;
    segment.forEach(({ piece, field }, j) => {
      if (!isVariable(piece, 'STREAM_NAME', 'NAMESPACE')) return;
      const name = `\${${piece.variable}}`;
      const alone = j === segment.length - 1 && segment.every((other, k) => k === j || typeof other.piece === 'string');
      if (isFileName || !alone) {
        refuse(field, `must put ${name} at the end of a path segment (followed by "/") with no other variable in that segment, or the objects of different streams (e.g. "a" and "a1") cannot be told apart; e.g. "${EXAMPLE_PATH_FORMAT}"`);
      }
    });
  });
  if (!parsed.some(({ pieces }) => pieces.some((p) => isVariable(p, 'STREAM_NAME')))) {
    refuse('s3_path_format', `must contain \${STREAM_NAME} (or s3_bucket_path must), so each stream's objects get a path of their own; e.g. "${EXAMPLE_PATH_FORMAT}"`);
  }
  return problems;
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');
const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function syncValues(time: Date, syncId: number, extension: string): Record<Exclude<Variable, 'NAMESPACE' | 'STREAM_NAME' | 'UUID' | 'part_number'>, string> {
  const [y, mo, d] = [time.getUTCFullYear(), pad(time.getUTCMonth() + 1), pad(time.getUTCDate())];
  const ms = time.getTime();
  return {
    YEAR: String(y),
    MONTH: mo,
    DAY: d,
    HOUR: pad(time.getUTCHours()),
    MINUTE: pad(time.getUTCMinutes()),
    SECOND: pad(time.getUTCSeconds()),
    MILLISECOND: pad(time.getUTCMilliseconds(), 3),
    EPOCH: String(ms),
    date: `${y}_${mo}_${d}`,
    'date:yyyy_MM': `${y}_${mo}`,
    timestamp: String(ms),
    'timestamp:millis': String(ms),
    'timestamp:micros': String(ms * 1000),
    sync_id: String(syncId),
    format_extension: extension,
  };
}

/** Keys of one stream's objects: new ones for this sync, and recognition of earlier ones. */
export class StreamObjectKeys {
  private readonly pieces: Piece[];
  /** The template with this stream's encoded names filled in: two streams with the same one would share their objects. */
  readonly streamPath: string;
  private readonly values: ReturnType<typeof syncValues>;
  /** Literal prefix shared by the stream's objects of every sync; where to LIST them. */
  readonly listPrefix: string;
  /** Literal prefix of the keys this sync can produce; where to LIST for part numbers in use. */
  readonly thisSyncPrefix: string;
  private readonly anySync: RegExp;
  private readonly thisSync: RegExp;

  constructor(template: KeyTemplate, stream: { name: string; namespace?: string | null }, extension: string, syncTime: Date, syncId = 0) {
    this.values = syncValues(syncTime, syncId, extension);
    this.pieces = substituteStream(template, stream.namespace ? keySegment(stream.namespace) : '', keySegment(stream.name));
    this.streamPath = JSON.stringify(this.pieces);
    this.listPrefix = typeof this.pieces[0] === 'string' ? this.pieces[0] : '';
    const perFile = this.pieces.findIndex((p) => typeof p !== 'string' && (p.variable === 'UUID' || p.variable === 'part_number'));
    this.thisSyncPrefix = this.resolve(this.pieces.slice(0, perFile), 0);
    this.anySync = this.regex((v) => ANY_SYNC_PATTERN[v]);
    this.thisSync = this.regex((v) => (v === 'part_number' ? '(\\d+)' : v === 'UUID' ? ANY_SYNC_PATTERN.UUID : escapeRegex(this.values[v])));
  }

  keyFor(part: number): string {
    return this.resolve(this.pieces, part);
  }

  private resolve(pieces: Piece[], part: number): string {
    return pieces
      .map((p) => (typeof p === 'string' ? p : p.variable === 'part_number' ? String(part) : p.variable === 'UUID' ? randomUUID() : this.values[p.variable as keyof typeof this.values]))
      .join('');
  }

  /** Whether a key was written for this stream by any sync with the same template. */
  isStreamObject(key: string): boolean {
    return this.anySync.test(key);
  }

  /** The part number of a key this very sync's naming could have produced (clash avoidance). */
  partNumberOf(key: string): number | undefined {
    const m = this.thisSync.exec(key);
    return m ? Number(m[1]) : undefined;
  }

  private regex(variablePattern: (v: Exclude<Variable, 'NAMESPACE' | 'STREAM_NAME'>) => string): RegExp {
    const source = this.pieces.map((p) => (typeof p === 'string' ? escapeRegex(p) : variablePattern(p.variable as Exclude<Variable, 'NAMESPACE' | 'STREAM_NAME'>))).join('');
    return new RegExp(`^${source}$`);
  }
}

/** Fills in the stream's (encoded) name and namespace, then collapses repeated slashes as Airbyte does. */
function substituteStream(template: KeyTemplate, namespace: string, name: string): Piece[] {
  const out: Piece[] = [];
  for (const p of template) {
    const text = typeof p === 'string' ? p : p.variable === 'NAMESPACE' ? namespace : p.variable === 'STREAM_NAME' ? name : undefined;
    if (text === undefined) out.push(p);
    else if (typeof out[out.length - 1] === 'string') out[out.length - 1] += text;
    else out.push(text);
  }
  const collapsed = out.map((p) => (typeof p === 'string' ? p.replace(/\/{2,}/g, '/') : p));
  if (typeof collapsed[0] === 'string') collapsed[0] = collapsed[0].replace(/^\//, '');
  return collapsed;
}
