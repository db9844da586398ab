// Validates a connector config against its spec's JSON Schema, then against the connector's own
// rules (its `validate` hook); errors name the field.
import type { ValidateFunction } from 'ajv';
import type { ConnectorSpecification, JsonSchema } from '@platform/protocol';
import type { ConfigProblem, Connector } from './connector';
import { configError, type ConnectorError } from './errors';
import { createAjv, schemaErrorsToDetails, summarizeDetails, type SchemaErrorDetail } from '@platform/json-schema';

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

/**
 * Everything wrong with a config, each naming its field under `prefix`: the spec's JSON Schema
 * errors, or (once those pass) the connector's own rules. Empty when the config is valid.
 */
export function configProblems(connector: Connector, config: unknown, prefix = ''): SchemaErrorDetail[] {
  if (config === null || typeof config !== 'object' || Array.isArray(config)) return [{ path: prefix || '(config)', message: 'must be a JSON object' }];
  const copy = structuredClone(config);
  const validate = validatorFor(connector.spec().connectionSpecification);
  if (!validate(copy)) return schemaErrorsToDetails(validate.errors, prefix);
  return (connector.validate?.(copy) ?? []).map((p) => ({ path: prefix ? `${prefix}.${p.path}` : p.path, message: p.message }));
}

/** validateConfig plus the connector's own rules: the config with defaults applied, or a config_error naming each bad field. */
export function validateConnectorConfig<C>(connector: Connector, config: unknown): C {
  const valid = validateConfig<C>(connector.spec(), config);
  const problems = connector.validate?.(valid) ?? [];
  if (problems.length > 0) throw invalidConfigError(problems);
  return valid;
}

/** The config_error for a config that matches its spec but breaks the connector's own rules. */
export function invalidConfigError(problems: ConfigProblem[]): ConnectorError {
  return configError(`Config is not valid: ${summarizeDetails(problems)}`);
}
