// Airbyte's source-postgres (Standard replication): COPY-based chunked reads, ctid-resumable
// full refresh, cursor-based incremental with exact checkpoints.
import type { Source } from '../framework/connector';
import { checkPostgres } from './check';
import { readTuningFromEnv, type PostgresSourceConfig } from './config';
import { discoverPostgres } from './discover';
import { readPostgres } from './read';
import { spec } from './spec';

export type { PostgresSourceConfig } from './config';
export { spec as sourcePostgresSpec } from './spec';

export const sourcePostgres: Source<PostgresSourceConfig> = {
  kind: 'source',
  name: 'source-postgres',
  spec: () => spec,
  check: (config, ctx) => checkPostgres(config, ctx),
  discover: (config, ctx) => discoverPostgres(config, ctx),
  read: (config, catalog, state, ctx) => readPostgres(config, catalog, state, ctx, readTuningFromEnv()),
};
