// The query service: DuckDB over the lake, its catalog in Postgres, Dremio's REST API and the
// Postgres wire protocol, each on its own port.
import { availableParallelism } from 'node:os';
import type http from 'node:http';
import type net from 'node:net';
import { findHttpfsExtension } from '@platform/services';
import { Catalog } from './catalog/catalog';
import { LakeDuckDb } from './engine/duckdb';
import { QueryService } from './engine/query-service';
import { createWireServer } from './pg/wire-server';
import { Sessions } from './rest/auth';
import { createRestServer, listen } from './rest/http-server';
import { JobManager } from './rest/jobs';
import { CatalogStore } from './store/catalog-store';
import { createPool, migrate } from './store/db';

export interface LakeQueryConfig {
  /** The platform's Postgres database (the catalog lives in its schema lake_query). */
  databaseUrl: string;
  /** PLATFORM_SECRET_KEY, 32 bytes: seals source secrets. */
  secretKey: Buffer;
  host: string;
  /** REST API (Dremio's :9047); 0 picks a free port. */
  restPort: number;
  /** Postgres wire protocol; 0 picks a free port. */
  pgPort: number;
  user: string;
  password: string;
  memoryLimitMiB: number;
  threads?: number;
  queryTimeoutMs: number;
  maxConcurrentQueries: number;
  /** DuckDB spills here beyond its memory limit. */
  tempDir: string;
  /** Default: findHttpfsExtension(). */
  httpfsExtension?: string;
  log?: (line: string) => void;
}

export interface RunningLakeQuery {
  restUrl: string;
  restPort: number;
  pgPort: number;
  service: QueryService;
  stop(): Promise<void>;
}

export async function startLakeQuery(config: LakeQueryConfig): Promise<RunningLakeQuery> {
  const log = config.log ?? (() => {});
  const httpfsExtension = config.httpfsExtension ?? findHttpfsExtension();
  const pool = createPool(config.databaseUrl);
  const closers: (() => Promise<void> | void)[] = [() => pool.end()];
  let stopped: Promise<void> | undefined;
  const stop = () =>
    (stopped ??= (async () => {
      for (const close of closers.reverse()) await close();
    })());
  try {
    await migrate(pool);
    const duckdb = await LakeDuckDb.open({
      httpfsExtension,
      memoryLimitMiB: config.memoryLimitMiB,
      threads: config.threads ?? availableParallelism(),
      tempDir: config.tempDir,
    });
    closers.push(() => duckdb.close());
    const catalog = new Catalog(new CatalogStore(pool, config.secretKey), duckdb);
    closers.push(() => catalog.close());
    await catalog.load();
    const service = new QueryService(catalog, duckdb, { timeoutMs: config.queryTimeoutMs, maxConcurrent: config.maxConcurrentQueries });
    const jobs = new JobManager(service, duckdb, 100, log);
    closers.push(() => jobs.close());
    const credentials = { user: config.user, password: config.password };
    const rest = createRestServer(service, jobs, new Sessions(credentials), log);
    closers.push(() => closeServer(rest));
    const restPort = await listen(rest, config.restPort, config.host);
    const wire = createWireServer(service, credentials, log);
    trackSockets(wire);
    closers.push(() => closeServer(wire));
    const pgPort = await listen(wire, config.pgPort, config.host);
    log(`lake-query listening: REST http://${config.host}:${restPort}, Postgres wire ${config.host}:${pgPort}, ${catalog.listSources().length} source(s), ${catalog.listViews().length} view(s)`);
    return { restUrl: `http://${config.host}:${restPort}`, restPort, pgPort, service, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

function closeServer(server: http.Server | net.Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    (server as http.Server).closeAllConnections?.();
    if (!('closeAllConnections' in server)) for (const socket of sockets.get(server) ?? []) socket.destroy();
  });
}

/** Open sockets of the wire server, so stop() does not wait for idle clients. */
const sockets = new WeakMap<net.Server, Set<net.Socket>>();
function trackSockets(server: net.Server): void {
  const open = new Set<net.Socket>();
  sockets.set(server, open);
  server.on('connection', (socket) => {
    open.add(socket);
    socket.on('close', () => open.delete(socket));
  });
}
