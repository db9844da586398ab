// The platform against its peers (issue 13): for each --rows size, one generated table in the
// platform's own Postgres copied to the platform's own S3 bucket by the bare baseline, the
// connectors alone, a sync through the platform's API, and dlt + ConnectorX, alternating, in one
// run; every output checked row by row (count and checksum of all values).
import { join } from 'node:path';
import pg from 'pg';
import type { Scenario } from '../scenario';
import { startPlatformOnFreePorts } from '../platform/cold-start';
import { warmUpBaseline } from '../platform/demo-sync';
import { installDlt } from '../peers/dlt-pipeline';
import { measurePeers, type PeersEnv, type PeersSize } from '../peers/measure-peers';
import { peersReport } from '../peers/report';

/** A first pass of every pipeline on a small table, not reported: Python's bytecode cache, tsx's transpile cache, DuckDB and S3 connections warm, and a broken setup fails in seconds rather than after the big tables. */
const WARM_UP_ROWS = 10_000;

export const scenario: Scenario = {
  description: 'platform sync via the API vs. the baseline, the connectors alone and dlt + ConnectorX: same table, same S3, same run; outputs checksummed',
  async run(ctx) {
    ctx.log('installing dlt into a virtualenv of its own');
    const started = performance.now();
    const python = await installDlt(join(ctx.workDir, 'dlt-venv'));
    ctx.log(`  installed in ${((performance.now() - started) / 1000).toFixed(0)} s`);

    ctx.log('starting the platform on free ports');
    const platform = await startPlatformOnFreePorts(join(ctx.workDir, 'state'), (stop) => ctx.defer(stop));
    const platformDb = new pg.Client({ connectionString: platform.postgres.connectionUrl('platform') });
    await platformDb.connect();
    ctx.defer(() => platformDb.end());
    const env: PeersEnv = { platform, platformDb, python, workDir: ctx.workDir, repeat: ctx.options.repeat, log: ctx.log };

    await warmUpBaseline();
    ctx.log(`warm-up: every pipeline once on ${WARM_UP_ROWS} rows`);
    await measurePeers({ ...env, repeat: 1 }, WARM_UP_ROWS);

    const sizes: PeersSize[] = [];
    for (const rows of ctx.options.rows) sizes.push(await measurePeers(env, rows));
    return peersReport(sizes);
  },
};
