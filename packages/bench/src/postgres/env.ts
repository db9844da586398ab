// What the Postgres → Postgres measurements share: one embedded cluster with the source database
// and one destination database per pipeline (the connectors write the source's namespace, public,
// so pipelines are kept apart by database), superuser clients to each, the source's connector config.
import type pg from 'pg';
import type { PostgresEndpoint } from '../connector/endpoints';

export const DESTINATIONS = ['copy', 'raw', 'basic', 'incremental', 'cdc'] as const;
export type DestinationName = (typeof DESTINATIONS)[number];

export interface Database {
  endpoint: PostgresEndpoint;
  client: pg.Client;
}

export interface PostgresEnv {
  source: Database;
  destinations: Record<DestinationName, Database>;
  /** A connection of the CDC writer's own to the source database. */
  writerDb: pg.Client;
  /** source-postgres config, Standard replication. */
  sourceConfig: Record<string, unknown>;
  repeat: number;
  log(message: string): void;
}
