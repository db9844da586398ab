// The platform's composition root: one pool, the stores, the domain services over them. The
// API server and the worker both build on it; each process creates one and closes it on exit.
// Routes get `services` only; the pool and the stores are for the process's own wiring
// (migrations, the worker, the scheduler).
import type { ConnectorDefinition } from '@platform/connectors';
import { ApplicationService } from './services/applications';
import { ActorService, DEFAULT_CONNECTOR_TIMEOUTS, type ConnectorTimeouts } from './services/actors';
import { ConnectionService } from './services/connections';
import { ConnectorInstaller } from './services/connector-packages';
import { CustomDefinitionService } from './services/custom-definitions';
import { DeclarativeDefinitionService } from './services/declarative-definitions';
import { ConnectorDefinitions } from './services/definitions';
import { SchemaChangeService } from './services/schema-changes';
import { createDependencyChecks, type PlatformS3Settings } from './services/dependency-checks';
import { JobService } from './services/jobs';
import { MetricsService } from './services/metrics';
import { NotificationService, type NotificationPolicy } from './services/notifications/notifications';
import { OperationService } from './services/operations';
import type { PlatformServices } from './services/platform-services';
import { WorkspaceService } from './services/workspaces';
import { parseSecretKey, SecretCipher } from './shared/crypto';
import { createLogger, type Logger } from './shared/logger';
import { ApplicationStore } from './store/application-store';
import { ConfigStore } from './store/config-store';
import { createPool, type Pool } from './store/db';
import { JobStore } from './store/job-store';
import { MetricsStore } from './store/metrics-store';
import { NotificationStore } from './store/notification-store';

export interface PlatformOptions {
  databaseUrl: string;
  /** 32 bytes, as hex or base64 (PLATFORM_SECRET_KEY) or raw. */
  secretKey: string | Buffer;
  log?: Logger;
  poolSize?: number;
  connectorTimeouts?: Partial<ConnectorTimeouts>;
  /** Defaults to the connectors package's registry; tests and custom builds may pass others. */
  connectorDefinitions?: readonly ConnectorDefinition[];
  /** The platform's own S3 server, checked by /health; unchecked when not given. */
  platformS3?: PlatformS3Settings;
  /** Auto-disable threshold and webhook delivery retries; Airbyte's defaults when not given. */
  notifications?: Partial<NotificationPolicy>;
  /** Where custom connectors get their virtualenvs (PLATFORM_CONNECTORS_DIR); without it create_custom is refused. */
  connectorsDir?: string;
}

export interface Platform {
  log: Logger;
  /** The domain services: all that the API's routes get. */
  services: PlatformServices;
  pool: Pool;
  configStore: ConfigStore;
  jobStore: JobStore;
  /** Ends the pool; call once, after the servers using it have stopped. */
  close(): Promise<void>;
}

export function createPlatform(options: PlatformOptions): Platform {
  const log = options.log ?? createLogger('platform');
  // Parse the key first: a bad key must stop the process before anything touches the database.
  const cipher = new SecretCipher(typeof options.secretKey === 'string' ? parseSecretKey(options.secretKey) : options.secretKey);
  const pool = createPool(options.databaseUrl, { max: options.poolSize });
  // An idle client losing its connection (database restart) must not crash the process.
  pool.on('error', (err) => log.warn('idle database connection failed', { error: err.message }));

  const configStore = new ConfigStore(pool, cipher);
  const jobStore = new JobStore(pool);
  const definitions = new ConnectorDefinitions(options.connectorDefinitions, configStore.customDefinitions);
  const workspaces = new WorkspaceService(configStore);
  const installer = options.connectorsDir ? new ConnectorInstaller(options.connectorsDir, log.child('connector-install')) : undefined;
  const customDefinitions = new CustomDefinitionService(configStore, definitions, workspaces, installer, log.child('custom-connectors'));
  const declarativeDefinitions = new DeclarativeDefinitionService(configStore, definitions, workspaces);
  const actors = new ActorService(configStore, definitions, workspaces, log.child('connectors'), {
    ...DEFAULT_CONNECTOR_TIMEOUTS,
    ...options.connectorTimeouts,
  });
  const connections = new ConnectionService(configStore, actors, definitions, workspaces);
  const operations = new OperationService(configStore, workspaces, connections);
  const jobs = new JobService(jobStore, connections);
  const schemaChanges = new SchemaChangeService(configStore, actors, definitions);
  const applications = new ApplicationService(new ApplicationStore(pool, cipher));
  const notifications = new NotificationService(new NotificationStore(pool), log.child('notifications'), options.notifications);
  const metrics = new MetricsService(new MetricsStore(pool));
  const dependencies = createDependencyChecks(pool, options.platformS3);
  const close = async () => {
    dependencies.close();
    await pool.end();
  };
  return { log, services: { log, definitions, customDefinitions, declarativeDefinitions, workspaces, actors, connections, operations, schemaChanges, jobs, applications, notifications, metrics, dependencies }, pool, configStore, jobStore, close };
}
