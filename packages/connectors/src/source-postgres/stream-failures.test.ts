// A stream that cannot be read fails alone: the streams after it are read to the end, the
// failure names its stream, and no message quotes the value it failed on.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AirbyteStream, ConfiguredAirbyteCatalog, StreamDescriptor } from '@platform/protocol';
import { StreamsFailedError } from '../framework/errors';
import { collectOutput, loadFixtures, runConnectorProcess, type CollectedOutput } from '../testing/index';
import type { PostgresSourceConfig } from './config';
import { sourcePostgres } from './index';
import { FIXTURES_DIR, startFixturePostgres, type FixturePostgres } from './test/postgres-fixture';

const SLOW = 120_000;
const CANARY = 'CANARY-71c2-private';
const quiet = { log: () => undefined };

let db: FixturePostgres;
let config: PostgresSourceConfig;

beforeAll(async () => {
  db = await startFixturePostgres();
  const owner = (await loadFixtures<PostgresSourceConfig>(FIXTURES_DIR, db.vars)).config;
  await db.sql(`
    CREATE TABLE public.first_rows (id int PRIMARY KEY, note text);
    INSERT INTO public.first_rows SELECT g, 'first ' || g FROM generate_series(1, 5) g;
    CREATE TABLE public.raw_values (id int PRIMARY KEY, payload text);
    INSERT INTO public.raw_values VALUES (1, '10'), (2, '${CANARY}'), (3, '30');
    -- Postgres cannot output row 2: its error quotes the value.
    CREATE VIEW public.parsed_values AS SELECT id, payload::int AS n FROM public.raw_values;
    CREATE TABLE public.hidden (id int PRIMARY KEY);
    INSERT INTO public.hidden VALUES (1);
    CREATE TABLE public.last_rows (id int PRIMARY KEY, note text);
    INSERT INTO public.last_rows SELECT g, 'last ' || g FROM generate_series(1, 3) g;
    CREATE ROLE reader LOGIN PASSWORD 'reader-pw';
    GRANT USAGE ON SCHEMA public TO reader;
    GRANT SELECT ON public.first_rows, public.raw_values, public.parsed_values, public.last_rows TO reader;
  `);
  config = { ...owner, username: 'reader', password: 'reader-pw' };
}, SLOW);
afterAll(() => db?.stop(), SLOW);

const stream = (name: string, properties: Record<string, unknown>): AirbyteStream => ({
  name,
  namespace: 'public',
  json_schema: { type: 'object', properties },
  supported_sync_modes: ['full_refresh', 'incremental'],
});
const catalog: ConfiguredAirbyteCatalog = {
  streams: [
    { stream: stream('first_rows', { id: { type: 'integer' }, note: { type: 'string' } }), sync_mode: 'full_refresh', destination_sync_mode: 'overwrite' },
    { stream: stream('parsed_values', { id: { type: 'integer' }, n: { type: 'integer' } }), sync_mode: 'full_refresh', destination_sync_mode: 'overwrite' },
    // The reader may not SELECT it (as after a REVOKE): to the reader it does not exist.
    { stream: stream('hidden', { id: { type: 'integer' } }), sync_mode: 'full_refresh', destination_sync_mode: 'overwrite' },
    { stream: stream('last_rows', { id: { type: 'integer' }, note: { type: 'string' } }), sync_mode: 'incremental', cursor_field: ['id'], destination_sync_mode: 'append' },
  ],
};

const statuses = (output: CollectedOutput) =>
  output.traces.filter((t) => t.type === 'STREAM_STATUS').map((t) => `${t.stream_status!.stream_descriptor.name} ${t.stream_status!.status}`);
const idsOf = (output: CollectedOutput, name: string) => output.records.filter((r) => r.stream === name).map((r) => r.data.id);
const descriptor = (name: string): StreamDescriptor => ({ name, namespace: 'public' });

function expectOtherStreamsComplete(output: CollectedOutput) {
  expect(statuses(output)).toEqual([
    'first_rows STARTED',
    'first_rows COMPLETE',
    'parsed_values STARTED',
    'parsed_values INCOMPLETE',
    'hidden INCOMPLETE',
    'last_rows STARTED',
    'last_rows COMPLETE',
  ]);
  expect(idsOf(output, 'first_rows')).toEqual([1, 2, 3, 4, 5]);
  expect(idsOf(output, 'parsed_values')).toEqual([]);
  expect(idsOf(output, 'last_rows')).toEqual([1, 2, 3]);
  expect(output.states.map((s) => s.stream!.stream_descriptor.name)).toEqual(['first_rows', 'last_rows']);
  expect(output.errors).toEqual([
    expect.objectContaining({ failure_type: 'system_error', stream_descriptor: descriptor('parsed_values'), message: expect.stringContaining('invalid input syntax for type integer') }),
    expect.objectContaining({ failure_type: 'config_error', stream_descriptor: descriptor('hidden'), message: expect.stringContaining('public.hidden not found') }),
  ]);
  expect(JSON.stringify(output.messages)).not.toContain('CANARY');
}

describe('source-postgres stream failures', () => {
  it('reads every other stream to the end, then fails naming each failed stream', async () => {
    const output = await collectOutput(sourcePostgres.read(config, catalog, undefined, quiet));
    expectOtherStreamsComplete(output);
    expect(output.thrown).toBeInstanceOf(StreamsFailedError);
    expect((output.thrown as StreamsFailedError).failures.map((f) => f.stream)).toEqual([descriptor('parsed_values'), descriptor('hidden')]);
    expect((output.thrown as Error).message).not.toContain('CANARY');
  }, SLOW);

  it('through the CLI: the same messages, one ERROR trace per failed stream, exit 1', async () => {
    const result = await runConnectorProcess('source-postgres', 'read', { config, catalog });
    expectOtherStreamsComplete(result);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).not.toContain('CANARY');
  }, SLOW);
});
