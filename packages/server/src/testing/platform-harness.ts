// Test support for the worker, scheduler and jobs routes: a fresh platform database (and,
// when asked, a source database) in the test run's embedded Postgres, platform services
// with the fake connectors registered, helpers to create connections and await jobs.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { secretPaths } from '@platform/connectors';
import type { ApiSchemas } from '../schemas/api-schemas';
import { createPlatform } from '../app';
import type { PlatformServices } from '../services/platform-services';
import { createLogger, type Logger } from '../shared/logger';
import type { ConfigStore, ConnectionRecord, ConnectionSchedule } from '../store/config-store';
import type { Pool } from '../store/db';
import { isActiveJobStatus } from '@platform/api-types';
import type { Job, JobStore } from '../store/job-store';
import { findConnectorDefinition } from '../worker/connectors';
import { Worker, type WorkerOptions } from '../worker/worker';
import { useTestConnectors } from './fake-connectors';
import { createTestDatabase } from './test-database';

/** Only warnings and errors, so test output stays readable. */
export const quietLog: Logger = createLogger('test', { level: 'warn', write: (line) => process.stderr.write(line + '\n') });

export interface StreamSpec {
  name: string;
  namespace?: string | null;
  syncMode: 'full_refresh' | 'incremental';
  destinationSyncMode: 'overwrite' | 'append' | 'append_dedup';
  cursorField?: string[];
  primaryKey?: string[][];
  jsonSchema?: Record<string, unknown>;
}

export interface ConnectionSpec {
  source: { definitionId: string; config: Record<string, unknown> };
  destination: { definitionId: string; config: Record<string, unknown> };
  streams: StreamSpec[];
  schedule?: ConnectionSchedule;
  status?: ApiSchemas['ConnectionStatus'];
  namespaceDefinition?: ApiSchemas['NamespaceDefinitionType'];
  namespaceFormat?: string;
  prefix?: string;
  resourceRequirements?: ApiSchemas['ResourceRequirements'];
}

export interface SourceDatabase {
  /** source-postgres config fields for it, with a login of its own. */
  config: { host: string; port: number; database: string; username: string; password: string };
  /** A whole source-postgres config reading its `public` schema (plain connection, Standard replication). */
  sourceConfig: Record<string, unknown>;
  sql(text: string): Promise<void>;
  query<R extends pg.QueryResultRow = any>(text: string): Promise<R[]>;
}

export interface TestPlatform {
  dir: string;
  databaseUrl: string;
  secretKey: string;
  services: PlatformServices;
  /** The platform's pool and stores, for tests that look under the services. */
  pool: Pool;
  configStore: ConfigStore;
  jobStore: JobStore;
  /** Runs SQL against the platform database. */
  sql<R extends pg.QueryResultRow = any>(text: string, params?: unknown[]): Promise<R[]>;
  /**
   * A database for source-postgres to read, owned by a role with a distinctive password;
   * `{ createSchemas: true }` also lets the role create schemas, as destination-postgres needs.
   */
  createSourceDatabase(options?: { createSchemas?: boolean }): Promise<SourceDatabase>;
  createConnection(spec: ConnectionSpec): Promise<ConnectionRecord>;
  startWorker(options?: Partial<WorkerOptions>): Worker;
  waitForJob(jobId: number, done?: (job: Job) => boolean, timeoutMs?: number): Promise<Job>;
  stop(): Promise<void>;
}

async function runSql<R extends pg.QueryResultRow = any>(url: string, text: string): Promise<R[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<R>(text)).rows;
  } finally {
    await client.end();
  }
}

/** `connectorsDir`: where create_custom installs connectors (off when absent). */
export async function startTestPlatform(options: { connectorsDir?: string } = {}): Promise<TestPlatform> {
  // Test destinations and the test S3 server keep their files here.
  const dir = await mkdtemp(join(tmpdir(), 'platform-worker-test-'));
  const database = await createTestDatabase('worker');
  const databases = [database];
  const secretKey = randomBytes(32).toString('hex');
  const platform = createPlatform({ databaseUrl: database.url, secretKey, log: quietLog, connectorDefinitions: useTestConnectors(), connectorsDir: options.connectorsDir });
  const { services, pool, configStore, jobStore } = platform;
  const workers: Worker[] = [];
  const sql = async (text: string, params?: unknown[]) => (await pool.query(text, params)).rows;

  const createActor = async (kind: 'source' | 'destination', { definitionId, config }: ConnectionSpec['source']) => {
    const definition = await findConnectorDefinition(definitionId);
    const connector = await definition!.load();
    const workspace = await configStore.defaultWorkspace();
    return configStore.createActor(kind, {
      workspaceId: workspace.workspaceId,
      definitionId,
      name: `${kind} ${definition!.name}`,
      configuration: config,
      secretPaths: secretPaths(connector.spec().connectionSpecification),
    });
  };

  return {
    dir,
    databaseUrl: database.url,
    secretKey,
    services,
    pool,
    configStore,
    jobStore,
    sql,
    async createSourceDatabase(options = {}) {
      const source = await createTestDatabase('source', { migrate: false });
      databases.push(source);
      const url = new URL(source.url);
      const database = url.pathname.slice(1);
      // A password that appears in no other text, so scrubbing it from logs masks nothing else.
      const config = { host: url.hostname, port: Number(url.port), database, username: `reader_${database}`, password: `pw-${randomBytes(8).toString('hex')}` };
      await runSql(source.url, `CREATE ROLE ${config.username} LOGIN PASSWORD '${config.password}'; GRANT ALL ON SCHEMA public TO ${config.username};${options.createSchemas ? ` GRANT CREATE ON DATABASE ${database} TO ${config.username};` : ''}`);
      const asOwner = new URL(source.url);
      asOwner.username = config.username;
      asOwner.password = config.password;
      return {
        config,
        sourceConfig: { ...config, schemas: ['public'], ssl_mode: { mode: 'disable' }, replication_method: { method: 'Standard' } },
        sql: async (text) => void (await runSql(asOwner.toString(), text)),
        query: (text) => runSql(asOwner.toString(), text),
      };
    },
    async createConnection(spec) {
      const [source, destination] = await Promise.all([createActor('source', spec.source), createActor('destination', spec.destination)]);
      return configStore.createConnection({
        workspaceId: source.workspaceId,
        name: 'test connection',
        sourceId: source.actorId,
        destinationId: destination.actorId,
        namespaceDefinition: spec.namespaceDefinition ?? 'source',
        namespaceFormat: spec.namespaceFormat ?? null,
        prefix: spec.prefix ?? '',
        syncCatalog: {
          streams: spec.streams.map((s) => ({
            stream: { name: s.name, namespace: s.namespace ?? null, jsonSchema: s.jsonSchema ?? {}, supportedSyncModes: ['full_refresh', 'incremental'] },
            config: { syncMode: s.syncMode, destinationSyncMode: s.destinationSyncMode, cursorField: s.cursorField, primaryKey: s.primaryKey, selected: true },
          })),
        },
        sourceCatalogId: null,
        schedule: spec.schedule ?? { type: 'manual' },
        status: spec.status ?? 'active',
        operationIds: [],
        geography: 'auto',
        nonBreakingChangesPreference: 'ignore',
        notifySchemaChanges: false,
        resourceRequirements: spec.resourceRequirements ?? null,
      });
    },
    startWorker(options = {}) {
      const worker = new Worker({
        workerId: `test-worker-${workers.length + 1}`,
        jobStore,
        configStore,
        log: quietLog,
        pollIntervalMs: 100,
        heartbeatIntervalMs: 500,
        backoff: { initialMs: 200, factor: 2, maxMs: 1000 },
        killGraceMs: 3000,
        notifications: services.notifications,
        ...options,
      });
      workers.push(worker);
      worker.start();
      return worker;
    },
    async waitForJob(jobId, done = (job) => !isActiveJobStatus(job.status), timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const job = await jobStore.getJob(jobId);
        if (job && done(job)) return job;
        if (Date.now() > deadline) throw new Error(`job ${jobId} did not reach the expected status in ${timeoutMs} ms (now ${job?.status})`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    async stop() {
      await Promise.all(workers.map((w) => w.stop(0)));
      await platform.close();
      for (const db of databases) await db.drop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
