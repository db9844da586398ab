// Validates a connector config against its spec's JSON Schema; errors name the field.
import type { ValidateFunction } from 'ajv';
import type { ConnectorSpecification, JsonSchema } from '@platform/protocol';
import { configError } from './errors';
import { createAjv, schemaErrorsToDetails, summarizeDetails } from './schema-errors';

// Specs fill in their defaults while validating.
const ajv = createAjv({ useDefaults: true });
const compiled = new WeakMap<object, ValidateFunction>();

/** A cached validator for a connector's connectionSpecification; validate a copy, it applies defaults. */
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
    throw configError(`Config does not match the connector's spec: ${summarizeDetails(schemaErrorsToDetails(validate.errors))}`);
  }
  return copy as C;
}
