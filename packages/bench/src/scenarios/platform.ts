// The whole platform as users run it (launcher → supervisor → embedded Postgres, SeaweedFS, API
// server, worker), each figure against a baseline measured in the same run: cold start vs. the
// bare services, idle memory vs. the bare services, API latency vs. /health, and a sync through
// the control plane vs. the same connectors run bare. One platform stays up from the last cold
// start to the end, and is stopped (its state dir removed) however the scenario ends.
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import type { Scenario } from '../scenario';
import { createConnections, runLoad, type LoadResult } from '../platform/api-load';
import { startBareServices, startPlatformTimed, type BareServicesStart, type PlatformStart } from '../platform/cold-start';
import { prepareSync, runBaselineSync, runPlatformSync, warmUpBaseline, type BaselineSyncRun, type PlatformSyncRun, type SyncEnv } from '../platform/demo-sync';
import { measureIdleCpu } from '../platform/idle-cpu';
import { platformMemory, waitForSeededSync } from '../platform/idle-memory';
import { platformReport, type ApiResult, type ColdStartResult, type IdleResult, type SyncResult } from '../platform/report';
import { unwrap, type PlatformHandle } from '../platform/workspace';

const IDLE_WAIT_MS = 10_000;
const API_CONNECTIONS = 200;
const API_CLIENTS = 50;
const API_REQUESTS_PER_CLIENT = 20;
/** The seed file's objects (config/seeds/default.yaml) the API connections reuse. */
const SEEDED_SOURCE = 'PostgreSQL';
const SEEDED_DESTINATION = 'MinIO S3';

export const scenario: Scenario = {
  description: 'whole platform: cold start, idle memory and CPU, API latency, sync via the control plane vs. bare services / connectors',
  async run(ctx) {
    const { repeat } = ctx.options;

    // 1. Cold start, alternating: bare services; the platform on a machine where it never ran
    //    (empty tsx transpile cache); the platform again (the cache warm). The last one stays up.
    const bare: BareServicesStart[] = [];
    const firstStarts: PlatformStart[] = [];
    const repeatedStarts: PlatformStart[] = [];
    let platform: PlatformHandle | undefined;
    for (let run = 1; run <= repeat; run++) {
      const last = run === repeat;
      ctx.log(`cold start ${run}/${repeat}: bare Postgres + SeaweedFS`);
      const b = await startBareServices(join(ctx.workDir, `bare-${run}`), last ? IDLE_WAIT_MS : undefined);
      ctx.log(`  ready in ${b.seconds.toFixed(2)} s`);
      bare.push(b);
      const tmpDir = join(ctx.workDir, `tmp-${run}`);
      for (const [kind, starts] of [['first', firstStarts], ['repeated', repeatedStarts]] as const) {
        ctx.log(`cold start ${run}/${repeat}: startPlatform, ${kind} start (TMPDIR ${tmpDir})`);
        let stop: () => Promise<void> = async () => undefined;
        const started = await startPlatformTimed(join(ctx.workDir, `state-${run}-${kind}`), tmpDir, (s) => {
          stop = s;
          ctx.defer(s);
        });
        ctx.log(`  healthy in ${started.healthySeconds.toFixed(2)} s, seeded in ${started.seededSeconds.toFixed(2)} s (API ${started.platform.apiUrl})`);
        starts.push(started);
        if (last && kind === 'repeated') platform = started.platform;
        else await stop();
      }
    }
    const fastestStart = (starts: PlatformStart[]) => starts.reduce((a, b) => (b.healthySeconds < a.healthySeconds ? b : a));
    const coldStart: ColdStartResult = {
      repeat,
      baseline: bare.reduce((a, b) => (b.seconds < a.seconds ? b : a)),
      first: fastestStart(firstStarts),
      repeated: fastestStart(repeatedStarts),
    };
    const { client } = platform!;

    // 2. Idle memory and CPU, before this process opens any connection of its own to the platform's Postgres.
    ctx.log('idle memory: waiting for the seeded connection\'s first scheduled sync to end');
    const before = await waitForSeededSync(client);
    ctx.log(`  ${before}; waiting ${IDLE_WAIT_MS / 1000} s`);
    await sleep(IDLE_WAIT_MS);
    const idle: IdleResult = { platform: platformMemory(platform!.stateDir), baseline: bare.at(-1)!.idle!, waitSeconds: IDLE_WAIT_MS / 1000, before };
    ctx.log(`idle CPU: watching the platform's processes for ${ctx.options.idleSeconds} s`);
    const idleCpu = await measureIdleCpu(platform!.stateDir, ctx.options.idleSeconds);

    // 3. API latency with 200 connections.
    const { sources } = await unwrap('sources/list', client.POST('/v1/sources/list', { body: {} }));
    const { destinations } = await unwrap('destinations/list', client.POST('/v1/destinations/list', { body: {} }));
    const sourceId = sources.find((s) => s.name === SEEDED_SOURCE)?.sourceId;
    const destinationId = destinations.find((d) => d.name === SEEDED_DESTINATION)?.destinationId;
    if (!sourceId || !destinationId) throw new Error(`the seeded source "${SEEDED_SOURCE}" or destination "${SEEDED_DESTINATION}" is missing`);
    ctx.log(`API: creating ${API_CONNECTIONS} connections`);
    const created = await createConnections(client, API_CONNECTIONS, sourceId, destinationId);
    const { connections } = await unwrap('connections/list', client.POST('/v1/connections/list', { body: {} }));
    const api = `${platform!.apiUrl}/api/v1`;
    const pidOf = (name: string) => platform!.run.services.find((s) => s.name === name)!.pid;
    const load = { clients: API_CLIENTS, requestsPerClient: API_REQUESTS_PER_CLIENT, cpuOf: { server: pidOf('server'), postgres: pidOf('postgres') } };
    const health: LoadResult[] = [];
    const list: LoadResult[] = [];
    const listGzip: LoadResult[] = [];
    for (let run = 1; run <= repeat; run++) {
      health.push(await runLoad({ ...load, url: `${api}/health`, method: 'GET' }));
      list.push(await runLoad({ ...load, url: `${api}/connections/list`, method: 'POST', body: '{}' }));
      listGzip.push(await runLoad({ ...load, url: `${api}/connections/list`, method: 'POST', body: '{}', headers: { 'accept-encoding': 'gzip' } }));
      ctx.log(
        `API run ${run}/${repeat}: health ${health.at(-1)!.requestsPerSecond.toFixed(0)} req/s, connections/list ${list.at(-1)!.requestsPerSecond.toFixed(0)} req/s, gzip'd ${listGzip.at(-1)!.requestsPerSecond.toFixed(0)} req/s`,
      );
    }
    const best = (runs: LoadResult[]) => runs.reduce((a, b) => (b.requestsPerSecond > a.requestsPerSecond ? b : a));
    const apiResult: ApiResult = {
      repeat,
      connections: connections.length,
      created,
      health: best(health),
      list: best(list),
      listGzip: best(listGzip),
      clients: API_CLIENTS,
      requestsPerClient: API_REQUESTS_PER_CLIENT,
    };

    // 4. Syncs through the control plane against the connectors alone.
    const platformDb = new pg.Client({ connectionString: platform!.postgres.connectionUrl('platform') });
    await platformDb.connect();
    ctx.defer(() => platformDb.end());
    const env: SyncEnv = { platform: platform!, platformDb, workDir: ctx.workDir, log: ctx.log };
    const syncs: SyncResult[] = [];
    await warmUpBaseline();
    for (const rows of ctx.options.rows) {
      const setup = await prepareSync(env, rows);
      const baselineRuns: BaselineSyncRun[] = [];
      const platformRuns: PlatformSyncRun[] = [];
      for (let run = 1; run <= repeat; run++) {
        const b = await runBaselineSync(env, setup);
        ctx.log(`${setup.table} run ${run}/${repeat}: connectors ${b.seconds.toFixed(2)} s (${b.wallSeconds.toFixed(2)} s with process start)`);
        baselineRuns.push(b);
        const p = await runPlatformSync(env, setup);
        const ph = p.phases;
        ctx.log(
          `${setup.table} run ${run}/${repeat}: platform job ${p.jobId} ${p.jobSeconds.toFixed(2)} s (queue ${ph.queue.toFixed(2)}, child start ${ph.childStart.toFixed(2)}, pipeline ${ph.pipeline.toFixed(2)}, finish ${ph.finish.toFixed(2)}), wall ${p.wallSeconds.toFixed(2)} s`,
        );
        platformRuns.push(p);
      }
      syncs.push({
        setup,
        repeat,
        baseline: baselineRuns.reduce((a, b) => (b.seconds < a.seconds ? b : a)),
        platform: platformRuns.reduce((a, b) => (b.jobSeconds < a.jobSeconds ? b : a)),
      });
    }

    return platformReport({ coldStart, idle, idleCpu, api: apiResult, syncs });
  },
};
