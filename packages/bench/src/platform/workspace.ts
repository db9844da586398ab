// The platform packages the `platform` scenario drives, in one place.
export {
  startPlatform,
  stopPlatform,
  seedPlatform,
  loadResourceLimits,
  readRunFile,
  statePaths,
  type PlatformHandle,
  type ProgressEvent,
  type RunFile,
} from '@platform/launcher';
export {
  findConnection,
  isActiveJobStatus,
  jobFailureMessage,
  selectStreams,
  startSync,
  unwrap,
  waitForJob,
  type JobInfo,
  type PlatformClient,
  type Schemas,
} from '@platform/api-client';
// What the worker gives each replication child (heap and DuckDB limits), so the in-process baseline runs under the same limits.
export { replicationChildLimits } from '@platform/server/resource-limits';
