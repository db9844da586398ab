import { afterAll, beforeAll, expect, it } from 'vitest';
import type { DremioClient } from '../client/index';
import type { RunningLakeQuery } from '../service';
import { BUCKET, startLakeFixture, type LakeFixture } from '../testing/lake-fixture';

const GUIDE_VDS = `CREATE VDS airbyte_customers AS
SELECT
  id as customer_id,
  name as customer_name,
  contact_email as email,
  contact_phone as phone,
  _airbyte_emitted_at as last_updated
FROM AirbyteData.datalake."airbyte-data".production_public.customers`;

let lake: LakeFixture;
let service: RunningLakeQuery;
let client: DremioClient;

beforeAll(async () => {
  lake = await startLakeFixture();
  await lake.writer.run(`COPY (SELECT range::BIGINT AS id, 'name ' || range AS name, 'c' || range || '@example.com' AS contact_email,
      NULL::VARCHAR AS contact_phone, TIMESTAMPTZ '2025-10-16 00:00:00+00' + to_seconds(range) AS _airbyte_emitted_at FROM range(5))
    TO 's3://${BUCKET}/airbyte-data/production_public/customers/2025_10_16_1_0.parquet' (FORMAT parquet)`);
  service = await lake.start();
  client = await lake.login(service);
  await lake.addAirbyteData(client);
});

afterAll(async () => {
  await lake?.stop();
});

it("creates the guide's VDS as written and queries it like a table", async () => {
  const created = await client.query(GUIDE_VDS);
  expect(created.rows).toEqual([{ ok: true, summary: 'View [airbyte_customers] has been created' }]);
  const rows = await client.query('SELECT customer_id, customer_name, email, phone, last_updated FROM airbyte_customers ORDER BY customer_id');
  expect(rows.rows).toEqual(
    Array.from({ length: 5 }, (_, i) => ({ customer_id: i, customer_name: `name ${i}`, email: `c${i}@example.com`, phone: null, last_updated: `2025-10-16 00:00:0${i}.000` })),
  );
  // Case-insensitive, and usable by later views.
  await client.query('CREATE VIEW recent_customers AS SELECT * FROM AIRBYTE_CUSTOMERS WHERE customer_id >= 3');
  expect((await client.query('SELECT count(*) AS n FROM recent_customers')).rows).toEqual([{ n: 2 }]);
});

it('refuses to overwrite a view without OR REPLACE, replaces with it, and drops views', async () => {
  const again = await client.submitSql('CREATE VIEW recent_customers AS SELECT 1 AS x');
  expect(await client.waitForJob(again.id)).toMatchObject({ jobState: 'FAILED', errorMessage: expect.stringMatching(/already exists; use CREATE OR REPLACE VIEW/) });
  await client.query('CREATE OR REPLACE VIEW recent_customers AS SELECT * FROM airbyte_customers WHERE customer_id = 4');
  expect((await client.query('SELECT customer_id FROM recent_customers')).rows).toEqual([{ customer_id: 4 }]);
  const broken = await client.submitSql('CREATE VIEW broken AS SELECT * FROM AirbyteData.datalake.nothing_here');
  expect(await client.waitForJob(broken.id)).toMatchObject({ jobState: 'FAILED', errorMessage: expect.stringMatching(/nothing_here/) });
  await client.query('CREATE VDS temp_view AS SELECT 1 AS one');
  expect((await client.query('DROP VDS temp_view')).rows).toEqual([{ ok: true, summary: 'View [temp_view] deleted' }]);
  const gone = await client.submitSql('SELECT * FROM temp_view');
  expect((await client.waitForJob(gone.id)).jobState).toBe('FAILED');
  expect((await client.query('DROP VIEW IF EXISTS temp_view')).rows[0]).toMatchObject({ ok: true });
});

it('lists views and datasets in INFORMATION_SCHEMA and the catalog', async () => {
  const tables = await client.query(`SELECT TABLE_SCHEMA, TABLE_NAME, TABLE_TYPE FROM INFORMATION_SCHEMA."TABLES" WHERE TABLE_TYPE <> 'SYSTEM_TABLE' ORDER BY TABLE_NAME`);
  expect(tables.rows).toEqual([
    { TABLE_SCHEMA: '', TABLE_NAME: 'airbyte_customers', TABLE_TYPE: 'VIEW' },
    { TABLE_SCHEMA: 'AirbyteData.datalake.airbyte-data.production_public', TABLE_NAME: 'customers', TABLE_TYPE: 'TABLE' },
    { TABLE_SCHEMA: '', TABLE_NAME: 'recent_customers', TABLE_TYPE: 'VIEW' },
  ]);
  const columns = await client.query(`SELECT COLUMN_NAME, DATA_TYPE, ORDINAL_POSITION FROM information_schema.columns WHERE TABLE_NAME = 'airbyte_customers' ORDER BY ORDINAL_POSITION`);
  expect(columns.rows).toEqual([
    { COLUMN_NAME: 'customer_id', DATA_TYPE: 'BIGINT', ORDINAL_POSITION: 1 },
    { COLUMN_NAME: 'customer_name', DATA_TYPE: 'CHARACTER VARYING', ORDINAL_POSITION: 2 },
    { COLUMN_NAME: 'email', DATA_TYPE: 'CHARACTER VARYING', ORDINAL_POSITION: 3 },
    { COLUMN_NAME: 'phone', DATA_TYPE: 'CHARACTER VARYING', ORDINAL_POSITION: 4 },
    { COLUMN_NAME: 'last_updated', DATA_TYPE: 'TIMESTAMP', ORDINAL_POSITION: 5 },
  ]);
  const root = await client.catalog();
  const view = root.data.find((e) => e.path[0] === 'airbyte_customers')!;
  expect(view).toMatchObject({ type: 'DATASET', datasetType: 'VIRTUAL' });
  expect(await client.catalogById(view.id)).toMatchObject({ entityType: 'dataset', type: 'VIRTUAL_DATASET', sql: expect.stringContaining('contact_email as email') });
});

it('keeps views in a space, created over REST, and keeps every view across a restart', async () => {
  await client.createCatalogEntity({ entityType: 'space', name: 'Analytics' });
  await client.createCatalogEntity({ entityType: 'dataset', type: 'VIRTUAL_DATASET', path: ['Analytics', 'customer_count'], sql: 'SELECT count(*) AS n FROM airbyte_customers' });
  expect((await client.catalogByPath(['Analytics'])).children).toEqual([expect.objectContaining({ path: ['Analytics', 'customer_count'], datasetType: 'VIRTUAL' })]);
  const noSpace = await client.submitSql('CREATE VIEW Marketing.v AS SELECT 1 AS x');
  expect(await client.waitForJob(noSpace.id)).toMatchObject({ jobState: 'FAILED', errorMessage: expect.stringMatching(/no space named "Marketing"/) });

  await service.stop();
  service = await lake.start();
  client = await lake.login(service);
  expect((await client.query('SELECT n FROM analytics.CUSTOMER_COUNT')).rows).toEqual([{ n: 5 }]);
  expect((await client.query('SELECT customer_id FROM recent_customers')).rows).toEqual([{ customer_id: 4 }]);
});
