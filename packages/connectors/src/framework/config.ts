// Validates a connector config against its spec's JSON Schema; errors name the field.
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { ConnectorSpecification, JsonSchema } from '@platform/protocol';
import { configError } from './errors';

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;
const ajv = addFormats(new Ajv({ allErrors: true, strict: false, useDefaults: true }));
const compiled = new WeakMap<object, ValidateFunction>();

/** `/ssl_mode/mode` + required `host` → "ssl_mode.mode" / "host". */
export function errorFieldPath(e: ErrorObject): string {
  const base = e.instancePath.replace(/^\//, '').replace(/\//g, '.');
  const missing = e.keyword === 'required' ? (e.params as { missingProperty: string }).missingProperty : undefined;
  return [base, missing].filter(Boolean).join('.') || '(root)';
}

export function describeSchemaErrors(errors: ErrorObject[] | null | undefined): string {
  const seen = new Set<string>();
  for (const e of errors ?? []) {
    // oneOf branches report every branch's failure; the summary line is enough.
    if (e.keyword === 'if') continue;
    const path = errorFieldPath(e);
    const text = e.keyword === 'required' ? `${path} is required` : `${path} ${e.message ?? 'is invalid'}`;
    seen.add(e.keyword === 'enum' ? `${text} (${(e.params as { allowedValues: unknown[] }).allowedValues.join(', ')})` : text);
  }
  return [...seen].join('; ');
}

export function validatorFor(schema: JsonSchema): ValidateFunction {
  let v = compiled.get(schema);
  if (!v) {
    v = ajv.compile(schema);
    compiled.set(schema, v);
  }
  return v;
}

/** Returns a copy of the config with spec defaults applied, or throws a config_error naming each bad field. */
export function validateConfig<C>(spec: ConnectorSpecification, config: unknown): C {
  if (config === null || typeof config !== 'object' || Array.isArray(config)) {
    throw configError('Config must be a JSON object');
  }
  const copy = structuredClone(config);
  const validate = validatorFor(spec.connectionSpecification);
  if (!validate(copy)) {
    throw configError(`Config does not match the connector's spec: ${describeSchemaErrors(validate.errors)}`);
  }
  return copy as C;
}
