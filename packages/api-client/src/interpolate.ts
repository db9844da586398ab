// `${env:NAME}` / `${env:NAME:-default}` interpolation for config and seed files.
// Only the `env:` form is replaced: bare `${NAMESPACE}`, `${STREAM_NAME}`,
// `${SOURCE_NAMESPACE}` are Airbyte's own placeholders and must reach the server intact.

export type Env = Record<string, string | undefined>;

export class MissingEnvVarError extends Error {
  constructor(
    readonly variable: string,
    readonly where: string,
  ) {
    super(`environment variable ${variable} is not set (needed by ${where}); set it or give a default: \${env:${variable}:-value}`);
    this.name = 'MissingEnvVarError';
  }
}

const REFERENCE = /\$\{env:([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

/** Replaces every `${env:...}` in one string. `where` names the value in errors. */
export function interpolateString(text: string, env: Env, where: string): string {
  return text.replace(REFERENCE, (_match, name: string, fallback: string | undefined) => {
    const value = env[name];
    if (value !== undefined && value !== '') return value;
    if (fallback !== undefined) return fallback;
    throw new MissingEnvVarError(name, where);
  });
}

/** Interpolates every string inside a parsed YAML/JSON value; `path` names it in errors. */
export function interpolateDeep<T>(value: T, env: Env, path = '$'): T {
  if (typeof value === 'string') return interpolateString(value, env, path) as T;
  if (Array.isArray(value)) return value.map((item, i) => interpolateDeep(item, env, `${path}[${i}]`)) as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, interpolateDeep(item, env, `${path}.${key}`)]),
    ) as T;
  }
  return value;
}
