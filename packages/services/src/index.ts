export { MissingDependencyError, PortInUseError } from './errors.js';
export { assertPortFree, freePort, freePorts, isPortFree } from './ports.js';
export { httpfsPipRequirement, images, seaweedPipRequirement, versions } from './versions.js';
export { findHttpfsExtension } from './duckdb-httpfs.js';
export {
  childPids,
  describeExit,
  endOf,
  exitOf,
  isPidAlive,
  processTreeMemoryMiB,
  ReadinessTimeoutError,
  spawnNodeEntry,
  startNodeService,
  stopPid,
  stopProcess,
  tail,
  wait,
  waitForExit,
  waitForStart,
  type NodeEntryOptions,
  type NodeEntryProcess,
  type PipedNodeEntryProcess,
  type ProcessEnd,
  type WaitStrategy,
  type WaitTarget,
} from './lifecycle.js';
export { createDatabase, PostgresService, type PostgresOptions, type StartedPostgresService } from './postgres.js';
export { SeaweedService, findWeedBinary, type SeaweedOptions, type StartedSeaweedService } from './seaweedfs.js';
