// Public API of @platform/connectors (design example 12): the connector interfaces, the framework
// a connector is written with (errors and their rules, config validation, secrets) and the
// registry. Test helpers are in `@platform/connectors/testing`.
export type { CsvFileBatch, RecordBatch, SourceOutput } from './framework/batches';
export { configProblems, validateConnectorConfig } from './framework/config';
export { isJsonObject, locatePath, stringValuesAt, type JsonObject } from './framework/config-paths';
export type { ConfigProblem, Connector, ConnectorContext, ConnectorLimits, Destination, DestinationContext, Source } from './framework/connector';
export { mapError, type ErrorFacts, type ErrorMatch, type ErrorRule, type ErrorTable } from './framework/error-rules';
export { asConnectorError, configError, ConnectorError, StreamsFailedError, systemError, transientError } from './framework/errors';
export { networkRules, type NetworkFailure, type NetworkFailureKind } from './framework/network-errors';
export { FAILURE_RETRY_POLICY, isRetryable, type RetryRule } from './framework/retry-policy';
export { withoutRowContent } from './framework/row-content';
export { mergeMaskedSecrets, scrubText, SECRET_MASK, secretPaths, secretValues } from './framework/secrets';
export { externalDestination, externalSource, fetchExternalSpec } from './external/external-connector';
export { runExternal, type ExternalCommand } from './external/external-process';
export { DECLARATIVE_CDK_VERSION, declarativeScriptPath, manifestConnectionSpecification, manifestProblem, manifestSource, parseManifest, type DeclarativeManifest } from './declarative/index';
export { CONNECTOR_DEFINITIONS, findDefinition, type ConnectorDefinition } from './registry';
