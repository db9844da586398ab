// A real API server on a free port over a fresh database, plus a small JSON client.
// Responses are validated against openapi.yaml, and every log line is kept so tests can
// assert that no secret was logged.
import { randomBytes } from 'node:crypto';
import type { ConnectorDefinition } from '@platform/connectors';
import type { ConnectorTimeouts } from '../services/actors';
import { freePort } from '@platform/services';
import { createApiServer, type ApiServerOptions } from '../api/http-server';
import { createPlatform } from '../app';
import type { PlatformServices } from '../services/platform-services';
import type { PlatformS3Settings } from '../services/dependency-checks';
import { createLogger } from '../shared/logger';
import type { ConfigStore } from '../store/config-store';
import type { Pool } from '../store/db';
import type { JobStore } from '../store/job-store';
import { createTestDatabase } from './test-database';

export interface ApiResponse<T = any> {
  status: number;
  body: T;
}

export interface TestApi {
  url: string;
  /** What the routes get. */
  services: PlatformServices;
  /** The server's pool and stores, for tests that look under the API. */
  pool: Pool;
  configStore: ConfigStore;
  jobStore: JobStore;
  /** Its database and the key its secrets are sealed with. */
  database: { url: string; secretKey: string };
  logLines: string[];
  /** POSTs JSON (or a raw string, sent as is) to /api/v1/<path>. */
  post<T = any>(path: string, body?: unknown, init?: RequestInit): Promise<ApiResponse<T>>;
  close(): Promise<void>;
}

export async function startTestApi(
  options: {
    connectorDefinitions?: readonly ConnectorDefinition[];
    connectorTimeouts?: Partial<ConnectorTimeouts>;
    /** Access settings (allowed hosts and origins, authenticators, limits) of the server. */
    api?: Omit<ApiServerOptions, 'port' | 'log'>;
    platformS3?: PlatformS3Settings;
    /** Where create_custom installs connectors (off when absent). */
    connectorsDir?: string;
    /** Serve this other server's database with its key (as a second server process would) instead of a fresh one; that server drops it. */
    databaseOf?: TestApi;
  } = {},
): Promise<TestApi> {
  const shared = options.databaseOf?.database;
  const database = shared ? { url: shared.url, drop: async () => undefined } : await createTestDatabase('api');
  const secretKey = shared?.secretKey ?? randomBytes(32).toString('hex');
  const logLines: string[] = [];
  const log = createLogger('test', { level: 'debug', write: (line) => logLines.push(line) });
  const platform = createPlatform({
    databaseUrl: database.url,
    secretKey,
    log,
    poolSize: 4,
    connectorTimeouts: { checkMs: 15_000, discoverMs: 15_000, ...options.connectorTimeouts },
    connectorDefinitions: options.connectorDefinitions,
    platformS3: options.platformS3,
    connectorsDir: options.connectorsDir,
  });
  const api = createApiServer(platform.services, { validateResponses: true, ...options.api, port: await freePort() });
  const url = await api.listen();
  return {
    url,
    services: platform.services,
    pool: platform.pool,
    configStore: platform.configStore,
    jobStore: platform.jobStore,
    database: { url: database.url, secretKey },
    logLines,
    async post(path, body, init) {
      const res = await fetch(`${url}/api/v1/${path}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
        ...init,
      });
      const text = await res.text();
      return { status: res.status, body: text && res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text };
    },
    async close() {
      await api.close();
      await platform.close();
      await database.drop();
    },
  };
}
