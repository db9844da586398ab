// destination-postgres: Airbyte's Postgres destination. Raw tables _airbyte_raw_<stream> loaded by
// COPY, optional Basic normalization into typed tables; see write.ts for the commit rules.
import type { Destination } from '../framework/connector';
import { checkPostgresDestination } from './check';
import { resolveConfig, type PostgresDestinationConfig } from './config';
import { spec } from './spec';
import { DEFAULT_WRITE_LIMITS, writeToPostgres, type PostgresWriteLimits } from './write';

export type { PostgresDestinationConfig } from './config';
export type { PostgresWriteLimits } from './write';

/** The connector with other buffer limits, for tests. */
export function createDestinationPostgres(limits: Partial<PostgresWriteLimits> = {}): Destination<PostgresDestinationConfig> {
  const resolved = { ...DEFAULT_WRITE_LIMITS, ...limits };
  return {
    kind: 'destination',
    name: 'destination-postgres',
    spec: () => spec,
    check: (config, ctx) => checkPostgresDestination(config, ctx),
    async *write(config, catalog, input, ctx) {
      yield* writeToPostgres(resolveConfig(config), catalog, input, ctx, resolved);
    },
  };
}

export const destinationPostgres = createDestinationPostgres();
