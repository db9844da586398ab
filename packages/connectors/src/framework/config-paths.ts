// Values of a connector config addressed by dotted paths ("ssl_mode.ca_certificate"): the form
// in which secretPaths names the spec's secret fields and the platform's store records them.
export type JsonObject = Record<string, unknown>;

export const isJsonObject = (value: unknown): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The object holding the value at a dotted path, and its key, when that value is present and not null. */
export function locatePath(root: unknown, path: string): { parent: JsonObject; key: string } | undefined {
  const keys = path.split('.');
  const key = keys.pop()!;
  let parent = root;
  for (const k of keys) parent = isJsonObject(parent) ? parent[k] : undefined;
  if (!isJsonObject(parent) || parent[key] === undefined || parent[key] === null) return undefined;
  return { parent, key };
}

export function valueAtPath(root: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((node, key) => (isJsonObject(node) ? node[key] : undefined), root);
}

/** The non-empty strings at `paths`: a config's secret values, to scrub from free text. */
export function stringValuesAt(config: unknown, paths: readonly string[]): string[] {
  return paths.map((path) => valueAtPath(config, path)).filter((value): value is string => typeof value === 'string' && value !== '');
}
