// A writer killed with SIGKILL in the middle of an overwrite: the previous raw and final tables
// stay readable as they were, and the next sync removes what the killed one left.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { serializeMessage, streamStateMessage, type AirbyteMessage, type ConfiguredAirbyteCatalog } from '@platform/protocol';
import { loadFixtures, recordBatch } from '../testing/index';
import { destinationPostgres, type PostgresDestinationConfig } from './index';
import { FIXTURES_DIR, spawnCliWriter, startDestinationPostgres, type DestinationPostgres } from './test/postgres-fixture';

const SLOW = 180_000;
const ctx = { log: () => {} };
const catalog: ConfiguredAirbyteCatalog = {
  streams: [
    {
      stream: { name: 'killed', namespace: 'public', json_schema: { type: 'object', properties: { id: { type: 'integer' }, tags: { type: 'array', items: { type: 'string' } } } }, supported_sync_modes: ['full_refresh'] },
      sync_mode: 'full_refresh',
      destination_sync_mode: 'overwrite',
    },
  ],
};
const descriptor = { name: 'killed', namespace: 'public' };

let db: DestinationPostgres;
let config: PostgresDestinationConfig;
let dir: string;

beforeAll(async () => {
  db = await startDestinationPostgres();
  config = (await loadFixtures<PostgresDestinationConfig>(FIXTURES_DIR, db.vars)).config;
  dir = await mkdtemp(join(tmpdir(), 'destination-postgres-kill-'));
}, SLOW);

afterAll(async () => {
  await db?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
}, SLOW);

const sync = async (ids: number[]) => {
  const input = (async function* () {
    yield recordBatch({ stream: 'killed', namespace: 'public' }, ids.map((id) => ({ id, tags: [`t${id}`] })));
    yield streamStateMessage(descriptor, { ids: ids.length });
  })();
  for await (const _ of destinationPostgres.write(config, catalog, input, ctx));
};

const snapshot = async () => ({
  final: (await db.sql(`SELECT id::text, _airbyte_ab_id::text FROM killed ORDER BY killed.id`)).rows,
  raw: (await db.sql(`SELECT _airbyte_ab_id::text, _airbyte_data FROM _airbyte_raw_killed ORDER BY 1`)).rows,
  child: (await db.sql(`SELECT data FROM killed_tags ORDER BY 1`)).rows,
});
const stagingTables = async () => (await db.sql<{ tablename: string }>(`SELECT tablename FROM pg_tables WHERE tablename LIKE '\\_airbyte\\_tmp\\_%'`)).rows;

it('leaves the previous tables as they were, and the next sync cleans up after it', async () => {
  await sync([1, 2, 3]);
  const before = await snapshot();
  expect(before.final.map((r) => r.id)).toEqual(['1', '2', '3']);

  const { child, running, exited } = await spawnCliWriter(dir, config, catalog);
  const lines: AirbyteMessage[] = [];
  for (let id = 100; id < 2100; id++) lines.push({ type: 'RECORD', record: { stream: 'killed', namespace: 'public', data: { id, tags: ['new'] }, emitted_at: Date.now() } });
  lines.push(streamStateMessage(descriptor, { ids: 2000 }));
  // stdin stays open: the writer has committed 2000 rows to its staging table and waits for more.
  child.stdin.write(lines.map(serializeMessage).join(''));
  let staged = 0;
  while (staged < 2000) {
    expect(running(), 'the writer exited before committing its first batch').toBe(true);
    const tables = await stagingTables();
    staged = tables.length ? Number((await db.sql<{ n: string }>(`SELECT count(*) AS n FROM "${tables[0].tablename}"`)).rows[0].n) : 0;
    if (staged < 2000) await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.kill('SIGKILL');
  await exited;

  expect(await snapshot()).toEqual(before);
  expect(await stagingTables()).toHaveLength(1);

  await sync([7]);
  expect((await snapshot()).final.map((r) => r.id)).toEqual(['7']);
  expect(await stagingTables()).toEqual([]);
}, SLOW);
