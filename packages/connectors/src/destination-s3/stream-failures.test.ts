// One stream's failure is that stream's alone, against a real SeaweedFS: the other streams
// keep landing and committing, and the failure message quotes none of the data.
import { mkdtemp } from 'node:fs/promises';
import { join } from 'node:path';
import { streamStatusMessage, type AirbyteMessage, type JsonSchema } from '@platform/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SourceOutput } from '../framework/batches';
import { destinationS3 } from './index';
import { catalogOf, configuredStream, csvBatch, inputOf, lakeConfig, listKeys, queryParquet, runWrite, startLake, stateOf, type Lake } from './test/lake';

const SCHEMA: Record<string, JsonSchema> = { id: { type: 'integer' }, amount: { type: ['null', 'number'], airbyte_type: 'big_number', precision: 10, scale: 2 } };
const CANARY = 'CANARY-5f3a-private';

let lake: Lake;
let work: string;

beforeAll(async () => {
  lake = await startLake();
  work = await mkdtemp(join(lake.dir, 'chunks-'));
}, 60_000);
// SeaweedFS gets 10 s to stop before SIGKILL, as long as vitest's default hook timeout.
afterAll(() => lake?.stop(), 60_000);

const errorsOf = (messages: AirbyteMessage[]) => messages.flatMap((m) => (m.type === 'TRACE' && m.trace.type === 'ERROR' ? [m.trace.error!] : []));
const statesOf = (messages: AirbyteMessage[]) => messages.filter((m) => m.type === 'STATE');
const ids = async (prefix: string) => (await queryParquet(lake, await listKeys(lake, prefix), 'SELECT list(id ORDER BY id) AS ids FROM lake'))[0].ids;

describe('destination-s3 stream failures', () => {
  it('a chunk it cannot convert fails its stream only, with an ERROR trace that quotes no data', async () => {
    const config = lakeConfig(lake, { s3_bucket_path: 'convert' });
    const good = configuredStream('good', SCHEMA, 'append');
    const bad = configuredStream('bad', SCHEMA, 'append');
    const input = inputOf(
      await csvBatch(work, good, 'id,amount\n1,1.50\n2,2.50\n', 2),
      stateOf('good', 1),
      await csvBatch(work, bad, 'id,amount\n10,1.00\n', 1),
      stateOf('bad', 1),
      // A quote that never closes: no CSV reader can convert this chunk (a value that merely does
      // not fit its column is kept in _airbyte_unfit_values instead).
      await csvBatch(work, bad, `id,amount\n11,"${CANARY} ""quoted"", 5 MB of it\n`, 1),
      stateOf('bad', 2),
      await csvBatch(work, bad, 'id,amount\n12,3.00\n', 1),
      stateOf('bad', 3),
      await csvBatch(work, good, 'id,amount\n3,3.50\n', 1),
      stateOf('good', 2),
    );
    const { messages, thrown } = await runWrite(destinationS3, config, catalogOf(good, bad), input);
    expect(thrown).toBeUndefined();
    expect(statesOf(messages)).toEqual([stateOf('good', 1), stateOf('bad', 1), stateOf('good', 2)]);
    const [error] = errorsOf(messages);
    expect(errorsOf(messages)).toHaveLength(1);
    expect(error).toMatchObject({ failure_type: 'system_error', stream_descriptor: { name: 'bad', namespace: 'public' }, message: expect.stringContaining('could not convert') });
    expect(JSON.stringify(messages)).not.toContain('CANARY');
    expect(await ids('convert/public/good/')).toEqual(['1', '2', '3']);
    expect(await ids('convert/public/bad/')).toEqual(['10']);
  });

  it('a stream the source reports INCOMPLETE keeps its earlier objects; the other overwrite streams are replaced', async () => {
    const config = lakeConfig(lake, { s3_bucket_path: 'incomplete' });
    const a = configuredStream('a', SCHEMA, 'overwrite');
    const b = configuredStream('b', SCHEMA, 'overwrite');
    const rows = (stream: string, values: number[]): SourceOutput => ({ type: 'RECORD_BATCH', stream, namespace: 'public', emittedAt: 1, records: values.map((id) => ({ id })) });
    expect((await runWrite(destinationS3, config, catalogOf(a, b), inputOf(rows('a', [1]), rows('b', [1])))).thrown).toBeUndefined();
    const firstOfB = await listKeys(lake, 'incomplete/public/b/');

    const second = await runWrite(
      destinationS3,
      config,
      catalogOf(a, b),
      inputOf(rows('a', [2]), stateOf('a', 1), rows('b', [2]), stateOf('b', 1), rows('b', [3]), streamStatusMessage({ name: 'b', namespace: 'public' }, 'INCOMPLETE'), rows('a', [3]), stateOf('a', 2)),
    );
    expect(second.thrown).toBeUndefined();
    expect(statesOf(second.messages)).toEqual([stateOf('a', 1), stateOf('b', 1), stateOf('a', 2)]);
    expect(await ids('incomplete/public/a/')).toEqual(['2', '3']);
    // b's failed sync deleted none of its earlier objects.
    expect(await listKeys(lake, 'incomplete/public/b/')).toEqual(expect.arrayContaining(firstOfB));
    expect(await ids('incomplete/public/b/')).toContain('1');
  });
});
