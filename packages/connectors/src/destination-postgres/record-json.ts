// An in-memory record as the JSON text of `_airbyte_data`. The two things jsonb refuses to store
// are replaced rather than failing the sync: \u0000 is dropped and an unpaired surrogate
// becomes U+FFFD.

const ESCAPES = /\\u([dD][89abAB][0-9a-fA-F]{2})(\\u[dD][c-fC-F][0-9a-fA-F]{2})?|\\u[dD][c-fC-F][0-9a-fA-F]{2}|\\u0000|\\./g;

/** JSON text jsonb accepts: each escape read in order, so an escaped backslash is never taken for the start of one. */
export function jsonbSafe(text: string): string {
  if (!text.includes('\\u')) return text;
  return text.replace(ESCAPES, (match: string, high: string | undefined, low: string | undefined) => {
    if (high !== undefined) return low !== undefined ? match : '\\ufffd';
    if (match.length === 6 && match !== '\\u0000' && /^\\u[dD][c-fC-F]/.test(match)) return '\\ufffd';
    return match === '\\u0000' ? '' : match;
  });
}

function valueJson(value: unknown): string {
  if (typeof value === 'bigint') return value.toString();
  return JSON.stringify(value) ?? 'null';
}

export function recordJson(record: Record<string, unknown>): string {
  const parts: string[] = [];
  for (const [key, value] of Object.entries(record)) {
    if (value !== undefined) parts.push(`${JSON.stringify(key)}:${valueJson(value)}`);
  }
  return jsonbSafe(`{${parts.join(',')}}`);
}
