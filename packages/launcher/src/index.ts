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
export { loadPlatformConfig, loadResourceLimits, DEFAULT_CONFIG_DIR, ConfigError, type PlatformConfig, type ResourceLimits, type Ports } from './config';
export { progressPrinter, type ProgressEvent, type ProgressListener } from './progress';
export { readRunFile, type RunFile, type ServiceRecord } from './run-file';
export { statePaths, type StatePaths } from './state';
