// The spec decides what is secret (design example 7): every property marked
// `airbyte_secret: true`, found by walking the schema, including oneOf branches.
import type { JsonSchema } from '@platform/protocol';

export const SECRET_MASK = '**********';

type Schema = { properties?: Record<string, Schema>; oneOf?: Schema[]; anyOf?: Schema[]; allOf?: Schema[]; airbyte_secret?: boolean; items?: Schema };

/** Property names (at any depth) that the schema marks secret, as dotted paths. */
export function secretPaths(schema: JsonSchema, prefix = ''): string[] {
  const s = schema as Schema;
  const out = new Set<string>();
  for (const [key, child] of Object.entries(s.properties ?? {})) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (child.airbyte_secret) out.add(path);
    for (const p of secretPaths(child as JsonSchema, path)) out.add(p);
  }
  for (const branch of [...(s.oneOf ?? []), ...(s.anyOf ?? []), ...(s.allOf ?? [])]) {
    for (const p of secretPaths(branch as JsonSchema, prefix)) out.add(p);
  }
  return [...out];
}

function mapAtPath(obj: unknown, path: string[], fn: (value: unknown, current: unknown) => unknown, other?: unknown): void {
  if (obj === null || typeof obj !== 'object') return;
  const o = obj as Record<string, unknown>;
  const [head, ...rest] = path;
  if (!(head in o)) return;
  const otherChild = other && typeof other === 'object' ? (other as Record<string, unknown>)[head] : undefined;
  if (rest.length === 0) o[head] = fn(o[head], otherChild);
  else mapAtPath(o[head], rest, fn, otherChild);
}

/** A deep copy with every secret value replaced by the mask. */
export function maskSecrets<T>(schema: JsonSchema, config: T): T {
  const copy = structuredClone(config);
  for (const p of secretPaths(schema)) mapAtPath(copy, p.split('.'), (v) => (v === undefined || v === null ? v : SECRET_MASK));
  return copy;
}

/** On update: a field still holding the mask keeps the stored secret. */
export function mergeMaskedSecrets<T>(schema: JsonSchema, incoming: T, stored: unknown): T {
  const copy = structuredClone(incoming);
  for (const p of secretPaths(schema)) mapAtPath(copy, p.split('.'), (v, old) => (v === SECRET_MASK ? old : v), stored);
  return copy;
}

/** Every secret string value in a config, for scrubbing free text such as driver errors. */
export function secretValues(schema: JsonSchema, config: unknown): string[] {
  const values: string[] = [];
  for (const p of secretPaths(schema)) {
    mapAtPath(structuredClone(config), p.split('.'), (v) => {
      if (typeof v === 'string' && v.length > 0) values.push(v);
      return v;
    });
  }
  return values;
}

/** Replaces any occurrence of a secret value in text with the mask. */
export function scrubText(text: string, secrets: string[]): string {
  let out = text;
  for (const s of secrets) if (s.length >= 3) out = out.split(s).join(SECRET_MASK);
  return out;
}
