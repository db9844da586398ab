// The explicit, typed connector registry (design example 3). The server and worker know
// connectors only through these definitions; implementations load lazily on first use.
import type { Connector } from './framework/connector';
import { DECLARATIVE_CDK_VERSION } from './declarative/runtime';

export interface ConnectorDefinition {
  /** Airbyte's own definition id, so API clients written for Airbyte keep working. */
  id: string;
  kind: 'source' | 'destination';
  /** Short name, also the CLI name: `connector <name> spec`. */
  name: string;
  displayName: string;
  dockerRepository: string;
  dockerImageTag: string;
  documentationUrl: string;
  /**
   * Destinations only (Airbyte's `supportsRefreshes`): keeps what an earlier attempt of the same
   * generation committed, so a retried Full Refresh | Overwrite resumes from its committed state
   * instead of starting over.
   */
  supportsRefreshes?: boolean;
  /**
   * The connector runs a program written elsewhere (airbyte-cdk's source-declarative-manifest)
   * through the external-connector path: it has no folder of the fixed connector files.
   */
  runsExternalProgram?: boolean;
  load(): Promise<Connector>;
}

export const CONNECTOR_DEFINITIONS: readonly ConnectorDefinition[] = [
  {
    id: 'decd338e-5647-4c0b-adf4-da0e75f5a750',
    kind: 'source',
    name: 'source-postgres',
    displayName: 'Postgres',
    dockerRepository: 'airbyte/source-postgres',
    dockerImageTag: '3.6.0',
    documentationUrl: 'https://docs.airbyte.com/integrations/sources/postgres',
    load: async () => (await import('./source-postgres/index')).sourcePostgres,
  },
  {
    id: '778daa7c-feaf-4db6-96f3-70fd645acc77',
    kind: 'source',
    name: 'source-file',
    displayName: 'File (CSV, JSON, Excel, Feather, Parquet)',
    dockerRepository: 'airbyte/source-file',
    dockerImageTag: '0.5.0',
    documentationUrl: 'https://docs.airbyte.com/integrations/sources/file',
    load: async () => (await import('./source-file/index')).sourceFile,
  },
  {
    id: '0b6f2c55-6a0e-4c39-9d4f-7f3e2a1d9c84',
    kind: 'source',
    name: 'source-declarative-manifest',
    displayName: 'REST API (declarative)',
    // Airbyte's runner of low-code manifests; the tag is the airbyte-cdk release that runs them.
    dockerRepository: 'airbyte/source-declarative-manifest',
    dockerImageTag: DECLARATIVE_CDK_VERSION,
    documentationUrl: 'https://docs.airbyte.com/connector-development/config-based/low-code-cdk-overview',
    runsExternalProgram: true,
    load: async () => (await import('./declarative/index')).sourceDeclarative,
  },
  {
    id: '4816b78f-1489-44c1-9060-4b19d5fa9362',
    kind: 'destination',
    name: 'destination-s3',
    displayName: 'S3',
    dockerRepository: 'airbyte/destination-s3',
    dockerImageTag: '1.0.0',
    documentationUrl: 'https://docs.airbyte.com/integrations/destinations/s3',
    supportsRefreshes: true,
    load: async () => (await import('./destination-s3/index')).destinationS3,
  },
  {
    id: '25c5221d-dce2-4163-ade9-739ef790f503',
    kind: 'destination',
    name: 'destination-postgres',
    displayName: 'Postgres',
    dockerRepository: 'airbyte/destination-postgres',
    // The last Airbyte line with raw _airbyte_raw_<stream> tables and Basic normalization.
    dockerImageTag: '0.6.3',
    documentationUrl: 'https://docs.airbyte.com/integrations/destinations/postgres',
    load: async () => (await import('./destination-postgres/index')).destinationPostgres,
  },
];

export function findDefinition(idOrName: string): ConnectorDefinition | undefined {
  return CONNECTOR_DEFINITIONS.find((d) => d.id === idOrName || d.name === idOrName);
}
