// .platform/run/supervisor.json: what the supervisor started, for `status`, `logs`,
// `down` and the programmatic API. A file whose supervisor pid is dead is stale.
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { isPidAlive, stopPid } from '@platform/services';
import type { ServiceStatus } from './supervision';

export type ServiceName = 'postgres' | 's3' | 'server' | 'worker' | 'query' | 'webapp';

/** A service as the supervisor last saw it: its state (up, restarting, failed...) and where it is. */
export interface ServiceRecord extends ServiceStatus<ServiceName> {
  /** null for services without a port (the worker). */
  port: number | null;
  url: string | null;
  logFile: string;
  /** Part of the process's command line, to recognise it after the supervisor died. */
  commandMatch: string;
}

export interface RunFile {
  supervisorPid: number;
  startedAt: string;
  /** `starting` until every service is ready; `stopping` during shutdown. */
  state: 'starting' | 'running' | 'stopping';
  stateDir: string;
  apiUrl: string;
  /** The API's basic auth login; absent when the API needs none. */
  apiCredentials?: { username: string; password: string };
  /** Endpoints and credentials that clients (seeding, e2e, users) need. */
  postgres: { host: string; port: number; user: string; password: string };
  /** The demo source database's read-only login. */
  sourceDb: { user: string; password: string };
  s3: { endpoint: string; region: string; bucket: string; accessKeyId: string; secretAccessKey: string };
  /** The query service: Dremio's REST API and the Postgres wire port, with its login. */
  query: { url: string; pgPort: number; user: string; password: string };
  services: ServiceRecord[];
  /**
   * Repairs done on request (`platform up` on a running platform sends SIGUSR2, then waits
   * for this count to grow). Absent in run files of supervisors that cannot repair.
   */
  repairs?: number;
  lastRepair?: { at: string; actions: string[] };
}

export function readRunFile(file: string): RunFile | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as RunFile;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** Atomic write (temp + rename), so readers never see half a file. Holds credentials: 0600. */
export function writeRunFile(file: string, run: RunFile): void {
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, JSON.stringify(run, null, 2), { mode: 0o600 });
  renameSync(temp, file);
}

export function removeRunFile(file: string): void {
  rmSync(file, { force: true });
}


/**
 * A run file whose supervisor is dead: stops the services it left behind (only processes
 * whose command line still matches, in case a pid was reused) and removes the file.
 * Returns the names of the services that were still running.
 */
export async function cleanStaleRun(file: string, run: RunFile): Promise<string[]> {
  const leftovers = [...run.services].reverse().filter((s) => isPidAlive(s.pid) && commandLine(s.pid).includes(s.commandMatch));
  for (const service of leftovers) await stopPid(service.pid, service.name === 'postgres' ? 'SIGINT' : 'SIGTERM');
  removeRunFile(file);
  return leftovers.map((s) => `${s.name} (pid ${s.pid})`);
}

function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return '';
  }
}
