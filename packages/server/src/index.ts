// Public API of @platform/server (design example 12): what the launcher, the worker and
// tests use. Everything else is internal.
export { apiOptionsFromEnv, ApiSettingsError, resolveAuthMode, type AuthMode } from './api/api-settings';
export { basicAuthenticator, type Authenticator } from './api/auth';
export { createApiServer, DEFAULT_ALLOWED_ORIGINS, type ApiServer, type ApiServerOptions } from './api/http-server';
export { loadOpenApi, OPENAPI_PATH } from './api/openapi';
export type { RouteContext, RouteHandler, RouteModule } from './api/route';
export { createPlatform, type Platform, type PlatformOptions } from './app';
export type { ApiSchemas } from './schemas/api-schemas';
export type { PlatformServices } from './services/platform-services';
export { toApiCatalog, toConfiguredCatalog } from './services/catalog';
export { cronFor } from './services/schedule';
export { parseSecretKey, SecretCipher, SecretKeyError } from './shared/crypto';
export { ApiError, ConflictError, InvalidInputError, NotFoundError, type InvalidInputDetail } from './shared/errors';
export { createLogger, type Logger } from './shared/logger';
export { ConfigStore, type ActorRecord, type ConnectionRecord, type ConnectionSchedule, type WorkspaceRecord } from './store/config-store';
export { createPool, migrate, MIGRATIONS_DIR, withTransaction, type Pool } from './store/db';
export { JobStore, type Job, type Attempt } from './store/job-store';
export { startScheduler, type SchedulerOptions } from './scheduler/scheduler';
export { Worker, type WorkerOptions } from './worker/worker';
