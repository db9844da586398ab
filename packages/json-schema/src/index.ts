// JSON Schema validation with errors that name the field (`connectionConfiguration.port: must
// be <= 65536`): one Ajv setup and one error shape for the connectors' configs and the API's
// request bodies, in a leaf both import.
export { createAjv, schemaErrorsToDetails, summarizeDetails, type SchemaErrorDetail } from './schema-errors';
