// Environment variables are strings, but a connector spec may want `port: 5432`. The seeder
// converts interpolated strings to the type the spec declares, as Airbyte's UI does with
// its form fields; anything that does not convert cleanly is left for the server to reject.

type Schema = {
  type?: string | string[];
  properties?: Record<string, Schema>;
  items?: Schema;
  oneOf?: Schema[];
  anyOf?: Schema[];
};

export function coerceToSchema(value: unknown, schema: Schema | undefined): unknown {
  if (!schema) return value;
  const types = Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : [];
  if (typeof value === 'string') {
    if ((types.includes('integer') || types.includes('number')) && !types.includes('string') && /^-?\d+(\.\d+)?$/.test(value.trim())) {
      return Number(value);
    }
    if (types.includes('boolean') && !types.includes('string') && (value === 'true' || value === 'false')) return value === 'true';
    return value;
  }
  if (Array.isArray(value)) return value.map((item) => coerceToSchema(item, schema.items));
  if (value !== null && typeof value === 'object') {
    const options = [schema, ...(schema.oneOf ?? []), ...(schema.anyOf ?? [])];
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, coerceToSchema(item, options.find((o) => o.properties?.[key])?.properties?.[key])]),
    );
  }
  return value;
}
