// The layout of the state folder. Everything the platform keeps lives under it, so
// `down` + `up` keeps data and history and deleting it starts from scratch.
import path from 'node:path';

export interface StatePaths {
  root: string;
  runDir: string;
  /** Written by the supervisor once services are up; removed when it stops. */
  runFile: string;
  logsDir: string;
  secretKeyFile: string;
  /** The public API's client id and secret (api-application.ts). */
  apiApplicationFile: string;
  postgresData: string;
  s3Data: string;
  /** PLATFORM_STATE_DIR of the worker: job workspaces and attempt logs. */
  workerDir: string;
  /** Where the query service's DuckDB spills beyond its memory limit. */
  querySpill: string;
  /** The virtualenvs of custom connectors (create_custom), one per package version. */
  connectorsDir: string;
}

export function statePaths(root: string): StatePaths {
  return {
    root,
    runDir: path.join(root, 'run'),
    runFile: path.join(root, 'run', 'supervisor.json'),
    logsDir: path.join(root, 'logs'),
    secretKeyFile: path.join(root, 'secret.key'),
    apiApplicationFile: path.join(root, 'api-application.json'),
    postgresData: path.join(root, 'data', 'postgres'),
    s3Data: path.join(root, 'data', 's3'),
    workerDir: path.join(root, 'worker'),
    querySpill: path.join(root, 'data', 'query-spill'),
    connectorsDir: path.join(root, 'connectors'),
  };
}

export function logFile(paths: StatePaths, service: string): string {
  return path.join(paths.logsDir, `${service}.log`);
}
