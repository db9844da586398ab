export { createPlatformClient, unwrap, ApiError, type ApiCredentials, type PlatformClient, type PlatformClientOptions, type Schemas } from './client';
export type { paths, components, operations } from '@platform/api-types';
export { seed, selectStreams, SeedError, type SeededObject, type SeedAction, type SeedOptions } from './seed';
export { readSeedFile, SeedFileError, type SeedFile, type SeedWorkspace, type SeedActor, type SeedConnection, type SeedStream, type SeedDremioSource } from './seed-file';
export { interpolateString, interpolateDeep, MissingEnvVarError, type Env } from './interpolate';
export { findConnection, startSync, waitForJob, jobProgress, jobFailureMessage, ConnectionNotFoundError, type JobInfo } from './jobs';
export { isActiveJobStatus } from '@platform/api-types';
