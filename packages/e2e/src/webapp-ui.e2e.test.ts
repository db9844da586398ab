// The guide's UI flow in a real browser against the real platform (`platform up` through the
// launcher, on free ports, in a temp state folder): a Postgres source from its generated form
// (a wrong password first: the check's error shows), an S3 destination, a connection with two
// streams, Sync now → Succeeded with the source's record count, the attempt's log, a cron
// schedule with its next runs, a reset; plus the SQL page and an error state. Every page's
// screenshot goes to packages/e2e/artifacts/webapp/.
import { chmodSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { unwrap } from '@platform/api-client';
import { platformCli } from './cli';
import { connectPlatform, stopPlatform, type PlatformHandle } from '@platform/launcher';
import { freePorts } from '@platform/services';
import { launchChromium, type Browser } from './browser';

const ARTIFACTS = fileURLToPath(new URL('../artifacts/webapp/', import.meta.url));
const SYNC_TIMEOUT_MS = 240_000;
const WRONG_PASSWORD = 'not-the-password';

let stateDir: string;
let flags: string[];
let platform: PlatformHandle;
let browser: Browser;
let page: Page;
let webappUrl: string;
let connectionId: string;

async function shot(name: string): Promise<void> {
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
}

async function sourceCount(tables: string[]): Promise<number> {
  const client = new pg.Client({ connectionString: platform.postgres.connectionUrl('source_db') });
  await client.connect();
  try {
    let total = 0;
    for (const table of tables) total += Number((await client.query(`SELECT count(*)::int AS n FROM ${table}`)).rows[0].n);
    return total;
  } finally {
    await client.end();
  }
}

beforeAll(async () => {
  rmSync(ARTIFACTS, { recursive: true, force: true });
  mkdirSync(ARTIFACTS, { recursive: true });
  stateDir = mkdtempSync(path.join(tmpdir(), 'webapp-e2e-'));
  chmodSync(stateDir, 0o755); // Postgres runs as the `postgres` user when we are root
  const [api, postgres, s3, webapp, query, queryPg] = await freePorts(6);
  flags = ['--state-dir', stateDir, '--api-port', String(api), '--postgres-port', String(postgres), '--s3-port', String(s3), '--webapp-port', String(webapp), '--query-port', String(query), '--query-pg-port', String(queryPg)];
  const up = await platformCli(['up', ...flags]);
  expect(up.code, `platform up failed:\n${up.stderr}\n${up.stdout}`).toBe(0);
  platform = connectPlatform({ stateDir })!;
  const service = platform.run.services.find((s) => s.name === 'webapp');
  expect(service, 'platform up runs the webapp service').toBeDefined();
  webappUrl = service!.url!;
  browser = await launchChromium();
  page = await browser.context.newPage();
  page.setDefaultTimeout(30_000);
});

afterAll(async () => {
  await browser?.close().catch(() => undefined);
  if (stateDir) {
    await platformCli(['down', ...flags]).catch(() => undefined);
    await stopPlatform({ stateDir }).catch(() => undefined);
    rmSync(stateDir, { recursive: true, force: true });
  }
});

describe.sequential('the web UI in Chromium, on the real platform', () => {
  test('`platform status` shows the web UI healthy on its port', async () => {
    const status = await platformCli(['status', ...flags]);
    const line = status.stdout.split('\n').find((l) => l.startsWith('webapp '));
    expect(line, status.stdout).toMatch(/healthy/);
    expect(line).toContain(String(new URL(webappUrl).port));
  });

  test('the connections list shows the seeded connection with its connectors, status and frequency', async () => {
    await page.goto(`${webappUrl}/`);
    const row = page.locator('[data-connection="PostgreSQL → MinIO"]');
    await row.waitFor();
    await expect(row.textContent()).resolves.toContain('(Postgres)');
    await expect(row.textContent()).resolves.toContain('(S3)');
    await expect(row.textContent()).resolves.toContain('Every 24 hours');
    expect(await row.getByRole('switch').isChecked()).toBe(true);
    await shot('01-connections');
  });

  test('a Postgres source from its generated form: a wrong password fails the check with its message, the right one saves', async () => {
    await page.getByRole('link', { name: 'Sources' }).click();
    // Until the route changes, the connections list's cells also contain "PostgreSQL".
    await page.waitForURL(/\/sources$/);
    await page.getByRole('cell', { name: 'PostgreSQL', exact: true }).waitFor();
    await shot('02-sources');
    await page.getByRole('link', { name: '+ New source' }).click();
    await page.getByLabel('Source type').selectOption({ label: 'Postgres' });
    await page.getByLabel(/^Host/).fill('127.0.0.1');
    await page.getByLabel(/^Port/).fill(String(platform.postgres.port));
    await page.getByLabel(/^Database Name/).fill('source_db');
    await page.getByLabel(/^Username/).fill(platform.run.sourceDb.user);
    const password = page.getByLabel(/^Password/);
    expect(await password.getAttribute('type')).toBe('password');
    await password.fill(WRONG_PASSWORD);
    await page.getByLabel('Source name').fill('Shop DB');
    await page.getByRole('button', { name: 'Test connection' }).click();
    const check = page.getByTestId('check-result');
    await check.filter({ hasText: 'failed' }).waitFor({ timeout: 60_000 });
    const message = (await check.textContent())!;
    expect(message).toMatch(/password authentication failed|authentication/i);
    expect(message).not.toContain(WRONG_PASSWORD);
    await shot('03-source-check-failed');

    await password.fill(platform.run.sourceDb.password);
    await page.getByRole('button', { name: 'Set up source' }).click();
    await page.getByRole('heading', { name: 'Shop DB' }).waitFor({ timeout: 60_000 });
    // The stored password comes back masked and stays masked in the form.
    expect(await page.getByLabel(/^Password/).inputValue()).toBe('**********');
    await shot('04-source-saved');
  });

  test('an S3 destination from its generated form (oneOf output format)', async () => {
    await page.getByRole('link', { name: 'Destinations' }).click();
    await page.waitForURL(/\/destinations$/);
    await page.getByRole('cell', { name: 'MinIO S3', exact: true }).waitFor();
    await shot('05-destinations');
    await page.getByRole('link', { name: '+ New destination' }).click();
    await page.getByLabel('Destination type').selectOption({ label: 'S3' });
    await page.getByLabel('Destination name').fill('Lake (UI)');
    await page.getByLabel(/^S3 Key ID/).fill(platform.s3.accessKeyId);
    await page.getByLabel(/^S3 Access Key/).fill(platform.s3.secretAccessKey);
    await page.getByLabel(/^S3 Bucket Name/).fill(platform.s3.bucket);
    await page.getByLabel(/^S3 Bucket Path/).fill('ui-data');
    await page.getByLabel(/^S3 Bucket Region/).fill(platform.s3.region);
    await page.getByLabel(/^Endpoint/).fill(platform.s3.endpoint);
    await page.getByRole('group', { name: 'Output Format' }).getByRole('combobox').first().selectOption({ label: 'Parquet: Columnar Storage' });
    await shot('06-destination-form');
    await page.getByRole('button', { name: 'Set up destination' }).click();
    await page.getByRole('heading', { name: 'Lake (UI)' }).waitFor({ timeout: 60_000 });
    const { destinations } = await unwrap('destinations/list', platform.client.POST('/v1/destinations/list', { body: {} }));
    expect(destinations.find((d) => d.name === 'Lake (UI)')?.connectionConfiguration).toMatchObject({ format: { format_type: 'Parquet' }, secret_access_key: '**********' });
  });

  test('a connection with two streams, created and synced: Succeeded with the source’s record count', async () => {
    await page.getByRole('link', { name: 'Connections' }).click();
    await page.getByRole('link', { name: '+ New connection' }).click();
    await page.getByLabel('Source', { exact: true }).selectOption({ label: 'Shop DB (Postgres)' });
    await page.getByLabel('Destination', { exact: true }).selectOption({ label: 'Lake (UI) (S3)' });
    await page.getByLabel('Select all streams').waitFor({ timeout: 60_000 });
    await page.getByLabel('Select all streams').uncheck();
    await page.getByLabel('Sync public.customers').check();
    await page.getByLabel('Sync public.orders').check();
    await page.getByLabel('Schedule type').selectOption('manual');
    await page.getByLabel('Connection name').fill('Shop → Lake (UI)');
    await shot('07-new-connection');
    await page.getByRole('button', { name: 'Set up connection (2 streams)' }).click();
    await page.getByTestId('connection-created').waitFor();
    await page.getByRole('button', { name: 'Sync now' }).click();
    await page.waitForURL(/\/connections\/[0-9a-f-]{36}\/status$/);
    connectionId = page.url().split('/').at(-2)!;

    const latest = page.getByTestId('latest-job-status');
    await latest.filter({ hasText: 'Succeeded' }).waitFor({ timeout: SYNC_TIMEOUT_MS });
    const expected = await sourceCount(['customers', 'orders']);
    expect(expected).toBeGreaterThan(0);
    expect(await page.getByTestId('latest-job-records').textContent()).toBe(`${expected.toLocaleString('en-US')} records`);
    for (const stream of ['customers', 'orders']) expect(await page.locator(`tr[data-stream="${stream}"]`).textContent()).toContain('Succeeded');
    await shot('08-status-succeeded');
    const connection = await unwrap('connections/get', platform.client.POST('/v1/connections/get', { body: { connectionId } }));
    expect(connection.syncCatalog.streams.filter((s) => s.config.selected).map((s) => s.stream.name).sort()).toEqual(['customers', 'orders']);
  });

  test('job history: the attempt expands and its log opens in the viewer, without secrets', async () => {
    await page.getByRole('tab', { name: 'Job history' }).click();
    const job = page.locator('tr[data-job]').first();
    await job.click();
    await page.getByRole('button', { name: 'View logs' }).first().waitFor();
    await shot('09-job-history');
    await page.getByRole('button', { name: 'View logs' }).first().click();
    const count = page.getByTestId('log-line-count');
    await count.filter({ hasText: /^[1-9][\d,]* lines$/ }).waitFor();
    await page.locator('.log-line').first().waitFor();
    const visible = (await page.locator('.log-line').allTextContents()).join('\n');
    expect(visible.length).toBeGreaterThan(0);
    for (const secret of [platform.run.sourceDb.password, platform.s3.secretAccessKey]) expect(visible).not.toContain(secret);
    await shot('10-attempt-log');
    await page.getByRole('button', { name: 'Close' }).click();
  });

  test('settings: a cron schedule shows its next runs and is saved', async () => {
    await page.getByRole('tab', { name: 'Settings' }).click();
    await page.getByLabel('Schedule type').selectOption('cron');
    await page.getByLabel('Cron expression', { exact: true }).fill('0 30 6 * * ?');
    await page.getByLabel('Cron time zone').fill('UTC');
    const runs = page.getByTestId('cron-next-runs');
    await runs.locator('li').nth(4).waitFor();
    const times = await runs.locator('li').allTextContents();
    expect(times).toHaveLength(5);
    for (const t of times) expect(t).toContain('06:30');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByText('Saved.').waitFor();
    await shot('11-settings-cron');
    const connection = await unwrap('connections/get', platform.client.POST('/v1/connections/get', { body: { connectionId } }));
    expect(connection).toMatchObject({ scheduleType: 'cron', scheduleData: { cron: { cronExpression: '0 30 6 * * ?', cronTimeZone: 'UTC' } } });

    await page.getByLabel('Cron expression', { exact: true }).fill('every day');
    await page.getByRole('alert').filter({ hasText: 'invalid cron expression' }).waitFor();
  });

  test('schema: the streams with their modes; refreshing the source schema shows no changes', async () => {
    await page.getByRole('tab', { name: 'Schema' }).click();
    expect(await page.getByLabel('Sync public.customers').isChecked()).toBe(true);
    expect(await page.getByLabel('Sync public.products').isChecked()).toBe(false);
    await page.getByRole('button', { name: 'Refresh source schema' }).click();
    await page.getByTestId('schema-diff').filter({ hasText: 'No changes' }).waitFor({ timeout: 60_000 });
    await shot('12-schema-refreshed');
  });

  test('reset, after a confirmation, runs and succeeds', async () => {
    await page.getByRole('tab', { name: 'Status' }).click();
    await page.getByRole('button', { name: 'Reset data' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Reset' }).click();
    await page.getByTestId('latest-job-status').filter({ hasText: /Succeeded.*Reset #/ }).waitFor({ timeout: SYNC_TIMEOUT_MS });
    await shot('13-status-after-reset');
    const { jobs } = await unwrap('jobs/list', platform.client.POST('/v1/jobs/list', { body: { configTypes: ['reset_connection'], configId: connectionId } }));
    expect(jobs.map((j) => j.job.status)).toEqual(['succeeded']);
  });

  test('the SQL page logs in to the query service, shows the lake catalog and runs a query', async () => {
    await page.getByRole('link', { name: 'SQL' }).click();
    await page.getByLabel('Query user').fill(platform.run.query.user);
    await page.getByLabel('Query password').fill(platform.run.query.password);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByTestId('catalog-tree').getByText('AirbyteData').waitFor();
    await page.getByLabel('SQL').fill('SELECT 40 + 2 AS answer');
    await page.getByRole('button', { name: /^Run/ }).click();
    await page.getByTestId('result-count').filter({ hasText: '1 rows' }).waitFor();
    expect(await page.locator('.grid td').first().textContent()).toBe('42');
    await shot('14-sql');
  });

  test('a failed call shows the server’s message, not a blank page', async () => {
    await page.goto(`${webappUrl}/connections/00000000-0000-4000-8000-000000000000`);
    await page.getByRole('alert').filter({ hasText: 'Could not find connection' }).waitFor();
    await shot('15-error-state');
  });
});
