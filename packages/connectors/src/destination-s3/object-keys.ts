// Object keys: `<s3_bucket_path>/<s3_path_format><file name>`, with Airbyte's ${...} path
// variables and {...} file-name placeholders. Besides naming new files, the same template
// recognises a stream's earlier files, so overwrite deletes exactly those and nothing that
// merely shares a prefix (`customers_addresses/` next to `customers/`).
import { randomUUID } from 'node:crypto';
import { configError } from '../framework/errors';

const PATH_VARIABLES = ['NAMESPACE', 'STREAM_NAME', 'YEAR', 'MONTH', 'DAY', 'HOUR', 'MINUTE', 'SECOND', 'MILLISECOND', 'EPOCH', 'UUID'] as const;
const FILE_PLACEHOLDERS = ['date', 'date:yyyy_MM', 'timestamp', 'timestamp:millis', 'timestamp:micros', 'part_number', 'sync_id', 'format_extension'] as const;
type Variable = (typeof PATH_VARIABLES)[number] | (typeof FILE_PLACEHOLDERS)[number];
type Piece = string | { variable: Variable };
export type KeyTemplate = readonly Piece[];

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

/** Parses the configured key template; throws config_error naming an unknown variable. */
export function parseKeyTemplate(bucketPath: string, pathFormat: string, fileNamePattern?: string): KeyTemplate {
  const pathVars = (text: string, field: string) => tokenize(text, /\$\{([^}]*)\}/g, PATH_VARIABLES, field);
  const fileName = tokenize(fileNamePattern ?? DEFAULT_FILE_NAME, /\{([^}]*)\}/g, FILE_PLACEHOLDERS, 'file_name_pattern');
  const has = (v: Variable) => fileName.some((p) => typeof p !== 'string' && p.variable === v);
  // Several files per stream and sync need distinct names, and readers want the extension.
  if (!has('part_number')) fileName.push('_', { variable: 'part_number' });
  if (!has('format_extension')) fileName.push({ variable: 'format_extension' });
  return [...pathVars(bucketPath, 's3_bucket_path'), '/', ...pathVars(pathFormat, 's3_path_format'), ...fileName];
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
  private readonly values: ReturnType<typeof syncValues>;
  /** Literal prefix shared by the stream's objects of every sync; where to LIST them. */
  readonly listPrefix: string;
  /** Literal prefix of the keys this sync can produce; where to LIST for part numbers in use. */
  readonly thisSyncPrefix: string;
  private readonly anySync: RegExp;
  private readonly thisSync: RegExp;

  constructor(template: KeyTemplate, stream: { name: string; namespace?: string | null }, extension: string, syncTime: Date, syncId = 0) {
    this.values = syncValues(syncTime, syncId, extension);
    this.pieces = substituteStream(template, stream.namespace ?? '', stream.name);
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

/** Fills in the stream's name and namespace, then collapses repeated slashes as Airbyte does. */
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
