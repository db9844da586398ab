// What a piece of text looks like (for schema inference) and turning CSV text into the JSON
// value its column type asks for (for reading). Both sides use the same patterns, so a value
// inferred as an integer always casts back to one.

export type ValueKind =
  | 'integer'
  | 'number'
  | 'boolean'
  | 'date'
  | 'timestamp_with_timezone'
  | 'timestamp_without_timezone'
  | 'string'
  | 'object'
  | 'array';

// No leading zeros: "007" and zip codes stay text rather than losing their zeros.
const INTEGER = /^[+-]?(?:0|[1-9]\d*)$/;
const NUMBER = /^[+-]?(?:(?:0|[1-9]\d*)(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const BOOLEAN = /^(?:true|false)$/i;
const DATE = /^\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])$/;
const TIMESTAMP = /^\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])[T ](?:[01]\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:\.\d+)?)?(Z|[+-](?:[01]\d|2[0-3]):?[0-5]\d)?$/i;

const TEMPORAL_KINDS: ReadonlySet<ValueKind> = new Set(['date', 'timestamp_with_timezone', 'timestamp_without_timezone']);

export function classifyText(text: string): ValueKind {
  if (INTEGER.test(text)) return Number.isSafeInteger(Number(text)) ? 'integer' : 'string';
  if (NUMBER.test(text)) return Number.isFinite(Number(text)) ? 'number' : 'string';
  if (BOOLEAN.test(text)) return 'boolean';
  if (DATE.test(text)) return 'date';
  const timestamp = TIMESTAMP.exec(text);
  if (timestamp) return timestamp[1] ? 'timestamp_with_timezone' : 'timestamp_without_timezone';
  return 'string';
}

/** The kind of a parsed JSON value; null for JSON null. */
export function classifyJson(value: unknown): ValueKind | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  if (typeof value === 'boolean') return 'boolean';
  if (typeof value === 'string') {
    // A JSON string stays a string even if it reads "42"; only its date/time format is of interest.
    const kind = classifyText(value);
    return TEMPORAL_KINDS.has(kind) ? kind : 'string';
  }
  return Array.isArray(value) ? 'array' : 'object';
}

/** A text → value function for a JSON Schema type; `undefined` when the text does not fit. */
export type TextCaster = (text: string) => unknown;

export function casterForType(jsonType: string | undefined): TextCaster {
  switch (jsonType) {
    case 'integer':
      return (s) => (INTEGER.test(s) && Number.isSafeInteger(Number(s)) ? Number(s) : undefined);
    case 'number':
      return (s) => {
        if (!NUMBER.test(s)) return undefined;
        const n = Number(s);
        return Number.isFinite(n) ? n : undefined;
      };
    case 'boolean':
      return (s) => (BOOLEAN.test(s) ? s.toLowerCase() === 'true' : undefined);
    default:
      return (s) => s;
  }
}
