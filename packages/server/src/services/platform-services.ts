// What the API's routes are given: the domain services, never the pool or the stores, so a
// route can only do what a service offers. app.ts builds them.
import type { Logger } from '../shared/logger';
import type { ActorService } from './actors';
import type { ApplicationService } from './applications';
import type { ConnectionService } from './connections';
import type { CustomDefinitionService } from './custom-definitions';
import type { DeclarativeDefinitionService } from './declarative-definitions';
import type { ConnectorDefinitions } from './definitions';
import type { DependencyChecks } from './dependency-checks';
import type { JobService } from './jobs';
import type { MetricsService } from './metrics';
import type { NotificationService } from './notifications/notifications';
import type { OperationService } from './operations';
import type { SchemaChangeService } from './schema-changes';
import type { WorkspaceService } from './workspaces';

export interface PlatformServices {
  log: Logger;
  definitions: ConnectorDefinitions;
  customDefinitions: CustomDefinitionService;
  /** Low-code manifests registered as source definitions (Airbyte's Builder endpoints). */
  declarativeDefinitions: DeclarativeDefinitionService;
  workspaces: WorkspaceService;
  actors: ActorService;
  connections: ConnectionService;
  /** Operations (normalization, dbt, webhook): recorded and linked to connections, not executed. */
  operations: OperationService;
  /** Catalog diffs against a connection's saved catalog, and what its sync does about them. */
  schemaChanges: SchemaChangeService;
  jobs: JobService;
  /** Client credentials and bearer tokens of the public API (/api/public/v1). */
  applications: ApplicationService;
  notifications: NotificationService;
  /** Prometheus metrics, computed from the platform database at each scrape. */
  metrics: MetricsService;
  /** What /health probes: the database, and the platform's S3 server when configured. */
  dependencies: DependencyChecks;
}
