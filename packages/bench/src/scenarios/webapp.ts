// The web UI (issue 9), in Debian's Chromium against the whole platform: bundle size (gzip),
// first page load (navigation → connections list rendered), the connections list with 1,000
// connections (the light list API against the full connections/list, and the time to render,
// scroll to the end and filter), and the log viewer on a 50 MB attempt log (page API, open,
// jump to the end, jump to the middle).
import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { launchChromium } from '@platform/e2e/browser';
import { ensureWebappBuilt, WEBAPP_DIST } from '@platform/webapp/server';
import { freePorts } from '@platform/services';
import { formatCount, formatMb } from '../lib/format';
import type { ResultTable, Scenario } from '../scenario';
import { createConnections, runLoad } from '../platform/api-load';
import { measureBundle } from '../webapp/bundle-size';
import { writeBigLog } from '../webapp/big-log';
import { seedPlatform, startPlatform, stopPlatform, unwrap, waitForJob, type PlatformHandle } from '../platform/workspace';

const CONNECTIONS = 1000;
const LOG_BYTES = 50 * 2 ** 20;
const KB = 1024;
const ms = (t0: number) => performance.now() - t0;
const fmtMs = (v: number) => `${Math.round(v)} ms`;

async function timed(action: () => Promise<unknown>, until: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await action();
  await until();
  return ms(t0);
}

export const scenario: Scenario = {
  description: 'web UI: bundle size (gzip), first page load, 1,000-connection list (API + render), log viewer on a 50 MB log',
  async run(ctx) {
    const { repeat } = ctx.options;
    if ((await ensureWebappBuilt()) === 'built') ctx.log('built the web UI');
    const bundle = measureBundle(WEBAPP_DIST);

    const stateDir = await mkdtemp(join(ctx.workDir, 'state-'));
    const [api, postgres, s3, webapp, query, queryPg] = await freePorts(6);
    ctx.defer(async () => {
      await stopPlatform({ stateDir });
      await rm(stateDir, { recursive: true, force: true });
    });
    ctx.log('starting the platform');
    const platform: PlatformHandle = await startPlatform({ stateDir, ports: { api, postgres, s3, webapp, query, query_pg: queryPg } });
    await seedPlatform(platform);
    const webappUrl = platform.run.services.find((s) => s.name === 'webapp')!.url!;
    const browser = await launchChromium();
    ctx.defer(() => browser.close());
    const page = await browser.context.newPage();
    page.setDefaultTimeout(120_000);
    const firstRow = () => page.locator('[data-connection]').first().waitFor();

    // 1. First page load: the fresh profile's first navigation (nothing cached), then reloads.
    const cold = await timed(() => page.goto(`${webappUrl}/connections`), firstRow);
    const warm: number[] = [];
    for (let i = 0; i < repeat; i++) warm.push(await timed(() => page.reload(), firstRow));

    // 2. 1,000 connections: the list APIs, then the page.
    const { connections } = await unwrap('connections/list', platform.client.POST('/v1/connections/list', { body: {} }));
    const seeded = connections[0];
    ctx.log(`creating ${CONNECTIONS - connections.length} connections`);
    await createConnections(platform.client, CONNECTIONS - connections.length, seeded.sourceId, seeded.destinationId);
    const load = (path: string) => runLoad({ url: `${platform.run.apiUrl}/api/v1/${path}`, method: 'POST', body: '{}', clients: 1, requestsPerClient: 10 * repeat });
    const light = await load('web_backend/connections/list');
    const full = await load('connections/list');
    const listLoad = await timed(() => page.goto(`${webappUrl}/connections`), firstRow);
    const countText = await page.getByTestId('connection-count').textContent();
    if (countText !== `${CONNECTIONS} of ${CONNECTIONS}`) throw new Error(`the list shows "${countText}", not all ${CONNECTIONS} connections`);
    const renderedRows = await page.locator('[data-connection]').count();
    const scrollEnd = await timed(
      () => page.getByTestId('connections-scroll').evaluate((el) => el.scrollTo(0, el.scrollHeight)),
      () => page.locator(`[data-connection="bench connection ${CONNECTIONS - connections.length}"]`).waitFor(),
    );
    const filter = await timed(
      () => page.getByLabel('Search').fill('connection 99'),
      () => page.getByTestId('connection-count').filter({ hasText: `11 of ${CONNECTIONS}` }).waitFor(),
    );

    // 3. The log viewer on a 50 MB log, appended to the seeded connection's first sync.
    const { jobs } = await unwrap('jobs/list', platform.client.POST('/v1/jobs/list', { body: { configTypes: ['sync'], configId: seeded.connectionId } }));
    const job = await waitForJob(platform.client, jobs.at(-1)!.job.id, { timeoutMs: 240_000 });
    ctx.log(`writing a ${formatMb(LOG_BYTES)} MB log into job ${job.job.id}, attempt 0`);
    const lines = await writeBigLog(platform.postgres.connectionUrl('platform'), job.job.id, 0, LOG_BYTES);
    const pageLoad = (offset: number) =>
      runLoad({ url: `${platform.run.apiUrl}/api/v1/attempt/get_logs`, method: 'POST', body: JSON.stringify({ jobId: job.job.id, attemptNumber: 0, offset, limit: 1000 }), clients: 1, requestsPerClient: 10 * repeat });
    const firstLogPage = await pageLoad(0);
    const lastLogPage = await pageLoad(lines - 1000);
    await page.goto(`${webappUrl}/connections/${seeded.connectionId}/job-history`);
    await page.locator(`tr[data-job="${job.job.id}"]`).click();
    const open = await timed(
      () => page.getByRole('button', { name: 'View logs' }).first().click(),
      () => page.locator('.log-line', { hasText: 'started' }).first().waitFor(),
    );
    const lineNumbered = (n: number) => page.locator('.log-line', { has: page.locator('.log-no', { hasText: new RegExp(`^${n}$`) }) }).filter({ hasText: 'read batch' });
    const toEnd = await timed(
      () => page.getByRole('button', { name: 'Go to end' }).click(),
      () => lineNumbered(lines).waitFor(),
    );
    const middle = Math.floor(lines / 2);
    const toMiddle = await timed(
      () => page.getByTestId('log-scroll').evaluate((el, line) => el.scrollTo(0, line * 18), middle),
      () => lineNumbered(middle).waitFor(),
    );
    const heapMb = await page.evaluate(() => (performance as unknown as { memory?: { usedJSHeapSize: number } }).memory?.usedJSHeapSize ?? 0);

    const tables: ResultTable[] = [
      {
        title: 'web UI: bundle',
        columns: ['what', 'raw', 'gzip'],
        rows: [
          ['first page (index.html, entry script, stylesheet)', `${formatCount(bundle.firstPageBytes / KB)} KB`, `${formatCount(bundle.firstPageGzipBytes / KB)} KB`],
          ['whole build (every lazy chunk included)', `${formatCount(bundle.totalBytes / KB)} KB`, `${formatCount(bundle.totalGzipBytes / KB)} KB`],
          [`largest chunk (${bundle.largestChunk.file})`, '', `${formatCount(bundle.largestChunk.gzipBytes / KB)} KB`],
        ],
        notes: ['gzip level 6 (node:zlib default), as the web server sends them'],
      },
      {
        title: 'web UI: first page load (navigation → connections list rendered, Chromium on localhost)',
        columns: ['what', 'time'],
        rows: [
          ['cold: fresh profile, nothing cached, 1 connection', fmtMs(cold)],
          [`warm: reload, fastest of ${repeat}`, fmtMs(Math.min(...warm))],
        ],
        notes: [],
      },
      {
        title: `web UI: connections list with ${formatCount(CONNECTIONS)} connections`,
        columns: ['what', 'p50', 'p95', 'response'],
        rows: [
          ['API web_backend/connections/list (no catalogs, latest job)', fmtMs(light.p50Ms), fmtMs(light.p95Ms), `${formatCount(light.responseBytes / KB)} KB`],
          ['baseline: API connections/list (full catalogs)', fmtMs(full.p50Ms), fmtMs(full.p95Ms), `${formatCount(full.responseBytes / KB)} KB`],
          ['page: navigation → first row rendered', fmtMs(listLoad), '', `${renderedRows} rows in the DOM`],
          ['page: scroll to the last connection', fmtMs(scrollEnd), '', ''],
          ['page: type a search → 11 matches shown', fmtMs(filter), '', ''],
        ],
        notes: [`API figures: 1 client × ${10 * repeat} sequential requests`],
      },
      {
        title: `web UI: log viewer on a ${formatMb(LOG_BYTES)} MB attempt log (${formatCount(lines)} lines)`,
        columns: ['what', 'time'],
        rows: [
          ['API attempt/get_logs, 1,000 lines at offset 0 (p50)', fmtMs(firstLogPage.p50Ms)],
          ['API attempt/get_logs, the last 1,000 lines (p50)', fmtMs(lastLogPage.p50Ms)],
          ['viewer: click "View logs" → first lines shown', fmtMs(open)],
          ['viewer: "Go to end" → last line shown', fmtMs(toEnd)],
          ['viewer: jump to the middle → its lines shown', fmtMs(toMiddle)],
          ['page JS heap after viewing', `${formatMb(heapMb)} MB`],
        ],
        notes: ['lines are fetched 1,000 at a time as they scroll into view and rendered virtualized'],
      },
    ];
    return { tables, targets: [{ description: 'connections list with 1,000 connections rendered in < 2 s', measured: fmtMs(listLoad), met: listLoad < 2000 }] };
  },
};
