// The spec decides what is secret (design example 7): every property marked
// `airbyte_secret: true`, found by walking the schema, including oneOf branches.
import type { JsonSchema } from '@platform/protocol';
import { locatePath, stringValuesAt, valueAtPath } from './config-paths';

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

/** On update: a field still holding the mask keeps the stored secret. */
export function mergeMaskedSecrets<T>(schema: JsonSchema, incoming: T, stored: unknown): T {
  const copy = structuredClone(incoming);
  for (const path of secretPaths(schema)) {
    const at = locatePath(copy, path);
    if (at?.parent[at.key] === SECRET_MASK) at.parent[at.key] = valueAtPath(stored, path);
  }
  return copy;
}

/** Every secret string value in a config, for scrubbing free text such as driver errors. */
export function secretValues(schema: JsonSchema, config: unknown): string[] {
  return stringValuesAt(config, secretPaths(schema));
}

/** Replaces any occurrence of a secret value in text with the mask. */
export function scrubText(text: string, secrets: string[]): string {
  let out = text;
  for (const s of secrets) if (s.length >= 3) out = out.split(s).join(SECRET_MASK);
  return out;
}
