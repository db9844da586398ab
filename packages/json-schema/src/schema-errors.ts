// Turns ajv errors into `{path, message}` details with readable field paths
// (`syncCatalog.streams[0].config.syncMode`), for API request bodies and connector configs alike.
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

/** ajv as every validator here needs it: all errors, OpenAPI/Airbyte keywords tolerated, `verbose` for oneOf pruning. */
export function createAjv(options: { useDefaults?: boolean } = {}): Ajv {
  return addFormats(new Ajv({ allErrors: true, strict: false, verbose: true, useDefaults: options.useDefaults ?? false }));
}

/** `/syncCatalog/streams/0/config` → ["syncCatalog", "streams", "0", "config"]. */
function pointerSegments(pointer: string): string[] {
  if (!pointer) return [];
  return pointer.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function fieldPath(prefix: string, segments: string[]): string {
  let path = prefix;
  for (const s of segments) path += /^\d+$/.test(s) ? `[${s}]` : path ? `.${s}` : s;
  return path || '(body)';
}

function describeError(e: ErrorObject): string {
  switch (e.keyword) {
    case 'required':
      return 'is required';
    case 'enum':
      return `must be one of ${(e.params as { allowedValues: unknown[] }).allowedValues.join(', ')}`;
    case 'const':
      return `must be ${JSON.stringify((e.params as { allowedValue: unknown }).allowedValue)}`;
    case 'type':
      return `must be ${String((e.params as { type: string }).type).replace(/,/g, ' or ')}`;
    default:
      return e.message ?? 'is invalid';
  }
}

type BranchSchema = { properties?: Record<string, { const?: unknown; enum?: unknown[] }> };

/** Values a branch accepts for a property: its `const` or `enum`. */
function acceptedValues(branch: BranchSchema, key: string): unknown[] {
  const property = branch.properties?.[key];
  return property?.const !== undefined ? [property.const] : (property?.enum ?? []);
}

/** The property every branch pins with const/enum (Airbyte's `mode`, `method`, `format_type`...). */
function discriminatorKey(branches: BranchSchema[]): string | undefined {
  const keys = Object.keys(branches[0]?.properties ?? {});
  return keys.find((key) => branches.every((b) => acceptedValues(b, key).length > 0));
}

/**
 * A oneOf (Airbyte specs use it for choices like ssl_mode or replication_method) makes ajv
 * report every branch's failures. Keep only the errors of the branch the value's
 * discriminator selects; when it selects none, one line listing the allowed choices.
 * Needs ajv's `verbose` option (the oneOf error then carries its branches and the value).
 */
function pruneOneOfBranches(errors: ErrorObject[]): ErrorObject[] {
  let kept = errors;
  for (const oneOf of errors.filter((e) => e.keyword === 'oneOf' && Array.isArray(e.schema))) {
    const branches = oneOf.schema as BranchSchema[];
    const key = discriminatorKey(branches);
    if (!key) continue;
    const value = (oneOf.data as Record<string, unknown> | undefined)?.[key];
    const selected = branches.findIndex((b) => acceptedValues(b, key).includes(value));
    const inBranch = (e: ErrorObject, i?: number) => e.schemaPath.startsWith(i === undefined ? `${oneOf.schemaPath}/` : `${oneOf.schemaPath}/${i}/`);
    if (selected >= 0) {
      kept = kept.filter((e) => e !== oneOf && (!inBranch(e) || inBranch(e, selected)));
    } else {
      const choices = branches.flatMap((b) => acceptedValues(b, key));
      const summary: ErrorObject = { ...oneOf, message: `must be one of the options: ${choices.join(', ')}` };
      kept = kept.filter((e) => !inBranch(e)).map((e) => (e === oneOf ? summary : e));
    }
  }
  return kept;
}

export interface SchemaErrorDetail {
  path: string;
  message: string;
}

/** ajv errors → de-duplicated details; `prefix` roots the paths (e.g. "connectionConfiguration"). */
export function schemaErrorsToDetails(errors: ErrorObject[] | null | undefined, prefix = ''): SchemaErrorDetail[] {
  const details: SchemaErrorDetail[] = [];
  const seen = new Set<string>();
  for (const e of pruneOneOfBranches(errors ?? [])) {
    if (e.keyword === 'if') continue;
    const segments = pointerSegments(e.instancePath);
    if (e.keyword === 'required') segments.push((e.params as { missingProperty: string }).missingProperty);
    const detail = { path: fieldPath(prefix, segments), message: e.keyword === 'oneOf' ? e.message ?? 'is invalid' : describeError(e) };
    const key = `${detail.path}\0${detail.message}`;
    if (!seen.has(key)) details.push(detail), seen.add(key);
  }
  return details;
}

/** "a.b is required; c must be integer" — for messages that carry every detail. */
export function summarizeDetails(details: SchemaErrorDetail[]): string {
  return details.map((d) => `${d.path} ${d.message}`).join('; ');
}
