import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DremioClient } from '../client/index';
import { BUCKET, PASSWORD, USER, startLakeFixture, type LakeFixture } from '../testing/lake-fixture';
import type { RunningLakeQuery } from '../service';

const CUSTOMERS = `s3://${BUCKET}/airbyte-data/production_public/customers`;
const GUIDE_QUERY = `SELECT *
FROM AirbyteData.datalake."airbyte-data".production_public.customers
LIMIT 100`;

let lake: LakeFixture;
let service: RunningLakeQuery;
let client: DremioClient;

beforeAll(async () => {
  lake = await startLakeFixture();
  // Two syncs' files: the second added a column (loyalty_tier); ids include one past 2^53.
  await lake.writer.run(`COPY (SELECT * FROM (VALUES
      (1::BIGINT, 'Ada', 'ada@example.com', '+1-555-0001', TIMESTAMPTZ '2025-10-16 10:00:00.123+00'),
      (2, 'Grace', 'grace@example.com', NULL, TIMESTAMPTZ '2025-10-16 10:00:01+00'),
      (9007199254740993, 'Big', NULL, NULL, TIMESTAMPTZ '2025-10-16 10:00:02+00'))
    AS t(id, name, contact_email, contact_phone, _airbyte_emitted_at)) TO '${CUSTOMERS}/2025_10_16_1_0.parquet' (FORMAT parquet)`);
  await lake.writer.run(`COPY (SELECT 4::BIGINT AS id, 'Linus' AS name, 'linus@example.com' AS contact_email, '+1-555-0004' AS contact_phone,
      TIMESTAMPTZ '2025-10-17 09:00:00+00' AS _airbyte_emitted_at, 'gold' AS loyalty_tier) TO '${CUSTOMERS}/2025_10_17_2_0.parquet' (FORMAT parquet)`);
  // orders partitioned in sub-folders (dir0), products as gzipped CSV, events as JSON Lines.
  for (const month of ['2025-09', '2025-10']) {
    await lake.writer.run(`COPY (SELECT range AS order_id, range * 10 AS amount FROM range(${month === '2025-09' ? 0 : 100}, ${month === '2025-09' ? 3 : 102})) TO 's3://${BUCKET}/airbyte-data/production_public/orders/${month}/part_0.parquet' (FORMAT parquet)`);
  }
  await lake.writer.run(`COPY (SELECT 1 AS product_id, 'Widget' AS title) TO 's3://${BUCKET}/airbyte-data/production_public/products/p_0.csv.gz' (FORMAT csv, HEADER, COMPRESSION gzip)`);
  await lake.writer.run(`COPY (SELECT 7 AS event_id, 'click' AS kind) TO 's3://${BUCKET}/airbyte-data/production_public/events/e_0.jsonl' (FORMAT json)`);
  service = await lake.start();
  client = await lake.login(service);
  await lake.addAirbyteData(client);
});

afterAll(async () => {
  await lake?.stop();
});

describe('login', () => {
  it('answers a wrong password and a missing or unknown token with 401', async () => {
    await expect(DremioClient.login(service.restUrl, USER, 'wrong')).rejects.toMatchObject({ status: 401 });
    const noToken = await fetch(`${service.restUrl}/api/v3/catalog`);
    expect(noToken.status).toBe(401);
    expect(((await noToken.json()) as { errorMessage: string }).errorMessage).toMatch(/apiv2\/login/);
    const badToken = await fetch(`${service.restUrl}/api/v3/catalog`, { headers: { authorization: '_dremiodeadbeef' } });
    expect(badToken.status).toBe(401);
  });

  it('accepts the token as "_dremio<token>" and as "Bearer <token>"', async () => {
    const login = (await (await fetch(`${service.restUrl}/apiv2/login`, { method: 'POST', body: JSON.stringify({ userName: USER, password: PASSWORD }) })).json()) as { token: string };
    for (const authorization of [`_dremio${login.token}`, `Bearer ${login.token}`]) {
      expect((await fetch(`${service.restUrl}/api/v3/catalog`, { headers: { authorization } })).status).toBe(200);
    }
  });
});

describe('queries', () => {
  it("runs the guide's query as written, every file unioned by column name, values exact", async () => {
    const result = await client.query(GUIDE_QUERY);
    expect(result.rowCount).toBe(4);
    const byId = new Map(result.rows.map((row) => [String(row.id), row]));
    expect(byId.get('1')).toEqual({ id: 1, name: 'Ada', contact_email: 'ada@example.com', contact_phone: '+1-555-0001', _airbyte_emitted_at: '2025-10-16 10:00:00.123', loyalty_tier: null });
    expect(byId.get('2')).toMatchObject({ contact_phone: null, loyalty_tier: null });
    expect(byId.get('4')).toMatchObject({ name: 'Linus', loyalty_tier: 'gold', _airbyte_emitted_at: '2025-10-17 09:00:00.000' });
    expect(result.schema).toEqual(
      expect.arrayContaining([
        { name: 'id', type: { name: 'BIGINT' } },
        { name: 'name', type: { name: 'VARCHAR' } },
        { name: '_airbyte_emitted_at', type: { name: 'TIMESTAMP' } },
      ]),
    );
    // 2^53 + 1 survives as an exact JSON number literal.
    const raw = await (await fetch(`${service.restUrl}/api/v3/job/${result.jobId}/results?limit=10`, { headers: { authorization: `Bearer ${await token()}` } })).text();
    expect(raw).toContain('"id":9007199254740993');
  });

  it('resolves names ignoring case, relative to a context, and reads sub-folders, CSV and JSON Lines', async () => {
    const mixedCase = await client.query('SELECT count(*) AS n FROM airbytedata.DATALAKE."Airbyte-Data".PRODUCTION_PUBLIC.Customers');
    expect(mixedCase.rows).toEqual([{ n: 4 }]);
    const inContext = await client.query('SELECT count(*) AS n FROM production_public.customers c WHERE c.id > 1', { context: ['AirbyteData', 'datalake', 'airbyte-data'] });
    expect(inContext.rows).toEqual([{ n: 3 }]);
    const orders = await client.query('SELECT dir0, count(*) AS n, sum(amount) AS total FROM AirbyteData.datalake."airbyte-data".production_public.orders GROUP BY dir0 ORDER BY dir0');
    expect(orders.rows).toEqual([
      { dir0: '2025-09', n: 3, total: 30 },
      { dir0: '2025-10', n: 2, total: 2010 },
    ]);
    expect((await client.query('SELECT * FROM AirbyteData.datalake."airbyte-data".production_public.products')).rows).toEqual([{ product_id: 1, title: 'Widget' }]);
    expect((await client.query('SELECT * FROM AirbyteData.datalake."airbyte-data".production_public.events')).rows).toEqual([{ event_id: 7, kind: 'click' }]);
  });

  it('pages results: limit defaults to 100, above 500 is a 400, a job that is not COMPLETED has no results', async () => {
    const { id } = await client.submitSql('SELECT range AS n FROM range(1234) ORDER BY n');
    await client.waitForJob(id);
    const firstPage = await client.results<{ n: number }>(id);
    expect(firstPage.rowCount).toBe(1234);
    expect(firstPage.rows.map((r) => r.n)).toEqual([...Array(100).keys()]);
    const later = await client.results<{ n: number }>(id, { offset: 1200, limit: 500 });
    expect(later.rows.map((r) => r.n)).toEqual(Array.from({ length: 34 }, (_, i) => 1200 + i));
    await expect(client.results(id, { limit: 501 })).rejects.toMatchObject({ status: 400 });
    const failed = await client.submitSql('SELECT nope FROM nowhere_at_all');
    expect((await client.waitForJob(failed.id)).jobState).toBe('FAILED');
    await expect(client.results(failed.id)).rejects.toMatchObject({ status: 400, message: expect.stringContaining('[FAILED]') });
    await expect(client.job('00000000-0000-0000-0000-000000000000')).rejects.toMatchObject({ status: 404 });
  });

  it('turns bad SQL and unknown datasets into FAILED jobs whose message names the problem', async () => {
    const syntax = await client.submitSql('SELEC 1');
    expect(await client.waitForJob(syntax.id)).toMatchObject({ jobState: 'FAILED', errorMessage: expect.stringMatching(/syntax error/i) });
    const unknown = await client.submitSql('SELECT * FROM AirbyteData.datalake."airbyte-data".production_public.nope');
    expect(await client.waitForJob(unknown.id)).toMatchObject({ jobState: 'FAILED', errorMessage: expect.stringMatching(/nope/) });
    expect((await client.query('SELECT 1 AS still_up')).rows).toEqual([{ still_up: 1 }]);
  });

  it('cancels a query on request and one over its time limit, with a reason', async () => {
    const slow = 'SELECT sum(hash(a.range * b.range)) FROM range(1000000) a, range(1000000) b';
    const { id } = await client.submitSql(slow);
    while ((await client.job(id)).jobState !== 'RUNNING') await new Promise((r) => setTimeout(r, 20));
    await client.cancel(id);
    expect(await client.waitForJob(id)).toMatchObject({ jobState: 'CANCELED', cancellationReason: 'Query cancelled by user' });

    const limited = await lake.start({ queryTimeoutMs: 500 });
    const limitedClient = await lake.login(limited);
    const timedOut = await limitedClient.submitSql(slow);
    expect(await limitedClient.waitForJob(timedOut.id)).toMatchObject({ jobState: 'CANCELED', cancellationReason: expect.stringMatching(/time limit of 0.5 s/) });
    await limited.stop();
  });

  it('runs at most maxConcurrentQueries at once; the others wait QUEUED', async () => {
    const single = await lake.start({ maxConcurrentQueries: 1 });
    const singleClient = await lake.login(single);
    const slow = await singleClient.submitSql('SELECT sum(hash(a.range * b.range)) FROM range(1000000) a, range(1000000) b');
    while ((await singleClient.job(slow.id)).jobState !== 'RUNNING') await new Promise((r) => setTimeout(r, 20));
    const waiting = await singleClient.submitSql('SELECT 42 AS answer');
    expect((await singleClient.job(waiting.id)).jobState).toBe('QUEUED');
    await singleClient.cancel(slow.id);
    expect((await singleClient.waitForJob(waiting.id)).jobState).toBe('COMPLETED');
    expect((await singleClient.results(waiting.id)).rows).toEqual([{ answer: 42 }]);
    await single.stop();
  });
});

describe('catalog', () => {
  it('lists the source and browses it by path down to a dataset with its fields', async () => {
    const root = await client.catalog();
    expect(root.data).toEqual(expect.arrayContaining([expect.objectContaining({ path: ['AirbyteData'], type: 'CONTAINER', containerType: 'SOURCE' })]));
    const source = await client.catalogByPath(['AirbyteData']);
    expect(source).toMatchObject({ entityType: 'source', name: 'AirbyteData', type: 'S3', config: { accessSecret: '$DREMIO_EXISTING_VALUE$' } });
    expect(JSON.stringify(source)).not.toContain(lake.s3.secretAccessKey);
    expect(source.children).toEqual([expect.objectContaining({ path: ['AirbyteData', 'datalake'], containerType: 'FOLDER' })]);
    const folder = await client.catalogByPath(['AirbyteData', 'datalake', 'airbyte-data', 'production_public']);
    expect(folder.entityType).toBe('folder');
    expect(folder.children!.map((c) => [c.path.at(-1), c.type])).toEqual(
      expect.arrayContaining([['customers', 'DATASET'], ['products', 'DATASET'], ['orders', 'CONTAINER']]),
    );
    const dataset = await client.catalogById(folder.children!.find((c) => c.path.at(-1) === 'customers')!.id);
    expect(dataset).toMatchObject({ entityType: 'dataset', type: 'PHYSICAL_DATASET', path: ['AirbyteData', 'datalake', 'airbyte-data', 'production_public', 'customers'] });
    expect(dataset.fields!.map((f) => f.name)).toEqual(['id', 'name', 'contact_email', 'contact_phone', '_airbyte_emitted_at', 'loyalty_tier']);
    await expect(client.catalogByPath(['AirbyteData', 'datalake', 'missing'])).rejects.toMatchObject({ status: 404 });
  });

  it('refuses a second source of the same name (any case) and a source without credentials, naming the field', async () => {
    await expect(lake.addAirbyteData(client)).rejects.toMatchObject({ status: 409 });
    await expect(
      client.createCatalogEntity({ entityType: 'source', name: 'Other', type: 'S3', config: { accessKey: 'k' } as never }),
    ).rejects.toThrow(/config.accessSecret is required/);
  });
});

describe('a source S3 refuses', () => {
  it('fails the query naming the source and what to check, instead of "not found"', async () => {
    await client.createCatalogEntity({
      entityType: 'source',
      name: 'BadKeys',
      type: 'S3',
      config: { accessKey: lake.s3.accessKeyId, accessSecret: 'not-the-secret', propertyList: [{ name: 'fs.s3a.endpoint', value: new URL(lake.s3.endpoint).host }, { name: 'fs.s3a.path.style.access', value: 'true' }] },
    });
    const { id } = await client.submitSql('SELECT * FROM BadKeys.datalake."airbyte-data".production_public.customers');
    const status = await client.waitForJob(id);
    expect(status).toMatchObject({ jobState: 'FAILED', errorMessage: expect.stringMatching(/^source BadKeys cannot be read: S3 answered \w+: .*check the source's access key, secret and fs\.s3a\.endpoint/) });
    expect(status.errorMessage).not.toContain('not-the-secret');
  });
});

async function token(): Promise<string> {
  const login = (await (await fetch(`${service.restUrl}/apiv2/login`, { method: 'POST', body: JSON.stringify({ userName: USER, password: PASSWORD }) })).json()) as { token: string };
  return login.token;
}
