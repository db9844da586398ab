export {
  startPlatform,
  stopPlatform,
  connectPlatform,
  seedPlatform,
  seedFiles,
  seedEnvironment,
  resolveConfig,
  RuntimeNotAvailableError,
  PlatformStartError,
  ConfiguredPortInUseError,
  type PlatformOptions,
  type PlatformHandle,
} from './platform';
export { loadPlatformConfig, loadResourceLimits, DEFAULT_CONFIG_DIR, ConfigError, type PlatformConfig, type ConfiguredResources, type ResourceLimits, type Ports } from './config';
export { progressPrinter, type ProgressEvent, type ProgressListener } from './progress';
export { readRunFile, type RunFile, type ServiceRecord } from './run-file';
export { statePaths, type StatePaths } from './state';
export { startDockerPlatform, stopDockerPlatform, connectDockerPlatform, dockerPlatformHandle, seedDockerPlatform, DockerStartError } from './docker/runtime';
export { generateComposeFiles, composeDirOf } from './docker/generate';
export { probeEngine, EngineUnavailableError, ImagePullError } from './docker/engine';
