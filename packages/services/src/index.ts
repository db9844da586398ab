export { MissingDependencyError, PortInUseError, ReadinessTimeoutError } from './errors.js';
export { assertPortFree, freePort, freePorts, isPortFree } from './ports.js';
export { wait, type WaitStrategy } from './wait.js';
export { httpfsPipRequirement, images, seaweedPipRequirement, versions } from './versions.js';
export { findHttpfsExtension } from './duckdb-httpfs.js';
export { describeExit, exitOf, isPidAlive, stopPid, stopProcess, waitForExit } from './process.js';
export { createDatabase, PostgresService, type PostgresOptions, type StartedPostgresService } from './postgres.js';
export { SeaweedService, findWeedBinary, type SeaweedOptions, type StartedSeaweedService } from './seaweedfs.js';
