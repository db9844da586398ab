import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { DremioClient } from '../client/index';
import type { RunningLakeQuery } from '../service';
import { BUCKET, PASSWORD, USER, startLakeFixture, type LakeFixture } from '../testing/lake-fixture';

const run = promisify(execFile);
const GUIDE_QUERY = 'SELECT * FROM AirbyteData.datalake."airbyte-data".production_public.customers ORDER BY id LIMIT 100';

let lake: LakeFixture;
let service: RunningLakeQuery;
let rest: DremioClient;

beforeAll(async () => {
  lake = await startLakeFixture();
  await lake.writer.run(`COPY (SELECT range::BIGINT AS id, 'name ' || range AS name, range % 2 = 0 AS active, (range * 1.25)::DECIMAL(10,2) AS balance,
      TIMESTAMPTZ '2025-10-16 00:00:00+00' + to_seconds(range) AS _airbyte_emitted_at FROM range(1, 1001))
    TO 's3://${BUCKET}/airbyte-data/production_public/customers/2025_10_16_1_0.parquet' (FORMAT parquet)`);
  service = await lake.start();
  rest = await lake.login(service);
  await lake.addAirbyteData(rest);
});

afterAll(async () => {
  await lake?.stop();
});

async function connect(options: Partial<pg.ClientConfig> = {}): Promise<pg.Client> {
  const client = new pg.Client({ host: '127.0.0.1', port: service.pgPort, user: USER, password: PASSWORD, database: 'any_name', ...options });
  await client.connect();
  return client;
}

it('returns the same rows as the REST API to the pg client, any database name accepted', async () => {
  const client = await connect();
  try {
    const wire = await client.query(GUIDE_QUERY);
    const viaRest = await rest.query(GUIDE_QUERY);
    expect(wire.rows).toHaveLength(100);
    expect(wire.fields.map((f) => [f.name, f.dataTypeID])).toEqual([['id', 20], ['name', 25], ['active', 16], ['balance', 1700], ['_airbyte_emitted_at', 1184]]);
    expect(wire.rows.map((r) => [Number(r.id), r.name, r.active, Number(r.balance)])).toEqual(viaRest.rows.map((r) => [r.id, r.name, r.active, r.balance]));
    expect(wire.rows[1].balance).toBe("2.50");
    expect(wire.rows[0]._airbyte_emitted_at).toEqual(new Date('2025-10-16T00:00:01Z'));
    // Parameters go through the extended protocol.
    const param = await client.query('SELECT name FROM AirbyteData.datalake."airbyte-data".production_public.customers WHERE id = $1', ['42']);
    expect(param.rows).toEqual([{ name: 'name 42' }]);
    // A view statement over the extended protocol is described without being run twice.
    expect((await client.query({ name: 'create-view', text: 'CREATE VDS wire_extended AS SELECT 1 AS one' })).rows).toEqual([{ ok: true, summary: 'View [wire_extended] has been created' }]);
    // Views created over REST are there too, with the same names.
    await rest.query('CREATE VDS wire_view AS SELECT id, name FROM AirbyteData.datalake."airbyte-data".production_public.customers WHERE id <= 3');
    expect((await client.query('SELECT * FROM wire_view ORDER BY id')).rows.map((r) => r.name)).toEqual(['name 1', 'name 2', 'name 3']);
  } finally {
    await client.end();
  }
});

it('applies the same read-only rules and keeps the connection usable after an error', async () => {
  const client = await connect();
  try {
    await expect(client.query("COPY (SELECT 1) TO 's3://datalake/x.parquet'")).rejects.toMatchObject({ code: '42501', message: expect.stringMatching(/COPY statements are refused/) });
    await expect(client.query("SELECT * FROM read_csv('/etc/passwd')")).rejects.toThrow(/Permission Error/);
    await expect(client.query('SELECT * FROM duckdb_secrets()')).rejects.toThrow(/duckdb_secrets\(\) is refused/);
    expect((await client.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    // Session statements BI tools send on connect succeed without changing anything.
    await client.query("SET application_name = 'metabase'");
  } finally {
    await client.end();
  }
});

it('refuses a wrong password', async () => {
  await expect(connect({ password: 'nope' })).rejects.toThrow(/password authentication failed/);
});

it('answers psql with the same rows', async () => {
  const { stdout } = await run(
    'psql',
    ['-h', '127.0.0.1', '-p', String(service.pgPort), '-U', USER, '-d', 'dremio', '-X', '-A', '-t', '-F', ',', '-c', 'SELECT id, name, active FROM AirbyteData.datalake."airbyte-data".production_public.customers ORDER BY id LIMIT 3'],
    { env: { ...process.env, PGPASSWORD: PASSWORD } },
  );
  expect(stdout.trim().split('\n')).toEqual(['1,name 1,f', '2,name 2,t', '3,name 3,f']);
});
