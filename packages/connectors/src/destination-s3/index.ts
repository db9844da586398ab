// destination-s3: Airbyte's S3 destination (Parquet, JSON Lines, CSV) for any S3-compatible
// server. See write.ts for the commit rules and formats/parquet.ts for the fast path.
import type { Destination } from '../framework/connector';
import { checkS3Destination } from './check';
import { resolveSettings, s3ConfigProblems, type S3DestinationConfig } from './config';
import { spec } from './spec';
import { DEFAULT_WRITE_LIMITS, writeToS3, type S3WriteLimits } from './write';

export type { S3DestinationConfig } from './config';
export type { S3WriteLimits } from './write';

/** The connector with other size limits, for tests that need small files. */
export function createDestinationS3(limits: Partial<S3WriteLimits> = {}): Destination<S3DestinationConfig> {
  const resolved = { ...DEFAULT_WRITE_LIMITS, ...limits };
  return {
    kind: 'destination',
    name: 'destination-s3',
    spec: () => spec,
    validate: (config) => s3ConfigProblems(config),
    check: (config) => checkS3Destination(config),
    async *write(config, catalog, input, ctx) {
      yield* writeToS3(resolveSettings(config), catalog, input, ctx, resolved);
    },
  };
}

export const destinationS3 = createDestinationS3();
