// Failed, killed and retried attempts against a real SeaweedFS: what readers of the stream's
// path see after each attempt, and what the next attempt keeps, resumes or removes. A killed
// attempt is a write left suspended mid-way: its `finally` never runs, as after kill -9.
import { CompleteMultipartUploadCommand, CopyObjectCommand, ListMultipartUploadsCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import type { AirbyteMessage, AirbyteStateMessage, ConfiguredAirbyteStream, DestinationSyncMode } from '@platform/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SourceOutput } from '../framework/batches';
import type { DestinationContext } from '../framework/connector';
import type { S3DestinationConfig } from './config';
import { createDestinationS3 } from './index';
import { stateFingerprint } from './state-fingerprint';
import { ledgerRoot, ledgerStreamId } from './stream-ledger';
import { BUCKET, catalogOf, configuredStream, getObject, lakeConfig, listKeys, queryParquet, runWrite, startLake, stateOf, type Lake } from './test/lake';

let lake: Lake;
beforeAll(async () => {
  lake = await startLake();
}, 60_000);
afterAll(async () => {
  await lake?.stop();
}, 60_000);

// Every two records make a file, so data after a STATE is uploaded before the next STATE.
const destination = createDestinationS3({ bufferMaxRows: 2 });
const WRITER = { writerId: 'connection-1' };

const events = (mode: DestinationSyncMode, generation: number): ConfiguredAirbyteStream => ({
  ...configuredStream('events', { id: { type: 'integer' } }, mode),
  generation_id: generation,
  minimum_generation_id: mode === 'overwrite' ? generation : 0,
  sync_id: generation,
});
const rows = (...ids: number[]): SourceOutput => ({ type: 'RECORD_BATCH', stream: 'events', namespace: 'public', emittedAt: 1, records: ids.map((id) => ({ id })) });
const persisted = (state: AirbyteMessage): AirbyteStateMessage[] => [(state as Extract<AirbyteMessage, { type: 'STATE' }>).state];

async function* failing(...items: SourceOutput[]): AsyncGenerator<SourceOutput> {
  yield* items;
  throw new Error('source lost its connection');
}

/** The ids readers of the stream's path see, sorted (duplicates kept). */
async function visibleIds(prefix: string): Promise<number[]> {
  const keys = await listKeys(lake, `${prefix}/public/events/`);
  if (keys.length === 0) return [];
  const [row] = await queryParquet(lake, keys, 'SELECT list(id ORDER BY id) AS ids FROM lake');
  return (row.ids as string[]).map(Number);
}

const genDirOf = (prefix: string, generation: number) => `${ledgerRoot(prefix)}connection-1/${ledgerStreamId({ name: 'events', namespace: 'public' })}/g${generation}/`;

interface RecordedUpload {
  key: string;
  uploadId: string;
  parts?: Array<{ PartNumber: number; ETag: string }>;
}

/** The overwrite uploads a generation's ledger records, by file number. */
async function recordedUploads(genDir: string): Promise<RecordedUpload[]> {
  const entries = (await listKeys(lake, genDir)).filter((k) => /\/up-\d+\.json$/.test(k)).sort();
  return Promise.all(entries.map(async (k) => JSON.parse((await getObject(lake, k)).toString()) as RecordedUpload));
}

/** Uncompleted multipart uploads on the server under `prefix`, as "key uploadId". */
async function openUploads(prefix: string): Promise<string[]> {
  const { Uploads } = await lake.client.send(new ListMultipartUploadsCommand({ Bucket: BUCKET, Prefix: prefix }));
  return (Uploads ?? []).map((u) => `${u.Key} ${u.UploadId}`).sort();
}

async function waitFor(what: string, probe: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 400 && !(await probe()); i++) await new Promise((r) => setTimeout(r, 50));
  if (!(await probe())) throw new Error(`timed out waiting for ${what}`);
}

/**
 * An attempt killed after acknowledging its first STATE and uploading `after` past it: the
 * write is left suspended (its input never ends), so nothing of its `finally` runs.
 */
async function killedAttempt(prefix: string, stream: ConfiguredAirbyteStream, ctx: Omit<DestinationContext, 'log'>, before: SourceOutput, state: AirbyteMessage, after: SourceOutput, uploaded: () => Promise<boolean>, overrides: Partial<S3DestinationConfig> = {}) {
  async function* input(): AsyncGenerator<SourceOutput> {
    yield before;
    yield state as SourceOutput;
    yield after;
    await new Promise(() => undefined);
  }
  const write = destination.write(lakeConfig(lake, { s3_bucket_path: prefix, ...overrides }), catalogOf(stream), input(), { log: () => undefined, ...ctx })[Symbol.asyncIterator]();
  expect((await write.next()).value).toEqual(state);
  void write.next();
  await waitFor('the upload after the state', uploaded);
}

// Several real writes per test on a shared machine: more than vitest's default 5 s.
describe('destination-s3 attempts', { timeout: 60_000 }, () => {
  it('overwrite: a failed attempt leaves only the previous generation visible, and the retry resumes from the committed state', async () => {
    const prefix = 'resume';
    const config = lakeConfig(lake, { s3_bucket_path: prefix });
    expect((await runWrite(destination, config, catalogOf(events('overwrite', 1)), (async function* () { yield rows(1, 2); })(), { ...WRITER, resumeState: [] })).thrown).toBeUndefined();
    expect(await visibleIds(prefix)).toEqual([1, 2]);

    const first = await runWrite(destination, config, catalogOf(events('overwrite', 2)), failing(rows(3, 4), stateOf('events', 1), rows(5, 6)), { ...WRITER, resumeState: [] });
    expect(first.thrown).toMatchObject({ message: 'source lost its connection' });
    expect(first.messages).toEqual([stateOf('events', 1)]);
    expect(await visibleIds(prefix)).toEqual([1, 2]);

    // The source resumes after state 1; the rows before it come from the first attempt.
    const retry = await runWrite(destination, config, catalogOf(events('overwrite', 2)), (async function* () { yield rows(5, 6); yield stateOf('events', 2); })(), {
      ...WRITER,
      resumeState: persisted(stateOf('events', 1)),
    });
    expect(retry.thrown).toBeUndefined();
    expect(await visibleIds(prefix)).toEqual([3, 4, 5, 6]);
    expect(await listKeys(lake, `${prefix}/.airbyte/`)).toEqual([]);
  });

  it('overwrite: two failed jobs leave the last complete generation, and the next success holds each row once', async () => {
    const prefix = 'failed-jobs';
    const config = lakeConfig(lake, { s3_bucket_path: prefix });
    expect((await runWrite(destination, config, catalogOf(events('overwrite', 10)), (async function* () { yield rows(1, 2, 3); })(), { ...WRITER, resumeState: [] })).thrown).toBeUndefined();
    for (const job of [11, 12]) {
      // Each job starts over (the platform forgets an overwrite's state when a job starts); its retries resume.
      let resumeState: AirbyteStateMessage[] = [];
      for (let attempt = 0; attempt < 3; attempt++) {
        const input = resumeState.length === 0 ? failing(rows(1, 2), stateOf('events', 1), rows(3)) : failing(rows(3));
        const { messages } = await runWrite(destination, config, catalogOf(events('overwrite', job)), input, { ...WRITER, resumeState });
        if (messages.length > 0) resumeState = persisted(messages[messages.length - 1]);
        expect(await visibleIds(prefix)).toEqual([1, 2, 3]);
      }
    }
    expect((await runWrite(destination, config, catalogOf(events('overwrite', 13)), (async function* () { yield rows(1, 2, 3, 4); })(), { ...WRITER, resumeState: [] })).thrown).toBeUndefined();
    expect(await visibleIds(prefix)).toEqual([1, 2, 3, 4]);
    expect(await listKeys(lake, `${prefix}/.airbyte/`)).toEqual([]);
  });

  // Without a time in the keys, the retry's files are numbered past the kept upload, which LIST does not show.
  for (const [prefix, overrides] of [
    ['killed-overwrite', {}],
    ['killed-overwrite-numbered', { s3_path_format: '${NAMESPACE}/${STREAM_NAME}/' }],
  ] as const) {
    it(`overwrite: what a killed attempt uploaded after its last checkpoint is aborted by the next attempt, which keeps the committed upload (${prefix})`, async () => {
      const config = lakeConfig(lake, { s3_bucket_path: prefix, ...overrides });
      expect((await runWrite(destination, config, catalogOf(events('overwrite', 1)), (async function* () { yield rows(1, 2); })(), { ...WRITER, resumeState: [] })).thrown).toBeUndefined();
      const genDir = genDirOf(prefix, 2);
      const uploaded = async () => (await recordedUploads(genDir)).filter((u) => u.parts).length;
      await killedAttempt(prefix, events('overwrite', 2), { ...WRITER, resumeState: [] }, rows(3, 4), stateOf('events', 1), rows(5, 6), async () => (await uploaded()) === 2, overrides);
      expect(await visibleIds(prefix)).toEqual([1, 2]);
      // Both files are uploads left uncompleted at their final keys: nothing new is visible.
      const [committed, uncommitted] = await recordedUploads(genDir);
      expect(await openUploads(`${prefix}/public/events/`)).toEqual([`${committed.key} ${committed.uploadId}`, `${uncommitted.key} ${uncommitted.uploadId}`].sort());
      expect(await listKeys(lake, `${prefix}/public/events/`)).toHaveLength(1);

      const retry = await runWrite(destination, config, catalogOf(events('overwrite', 2)), (async function* () { yield rows(5, 6, 7); yield stateOf('events', 2); })(), {
        ...WRITER,
        resumeState: persisted(stateOf('events', 1)),
      });
      expect(retry.thrown).toBeUndefined();
      // The committed upload was kept and completed; the uncommitted one aborted, never completed.
      const visible = await listKeys(lake, `${prefix}/public/events/`);
      expect(visible).toContain(committed.key);
      expect(visible).toHaveLength(2);
      expect(await visibleIds(prefix)).toEqual([3, 4, 5, 6, 7]);
      expect(await openUploads(`${prefix}/`)).toEqual([]);
      expect(await listKeys(lake, `${prefix}/.airbyte/`)).toEqual([]);
    });
  }

  it('overwrite: a failed attempt aborts its uploads past the last checkpoint and keeps the committed one uncompleted', async () => {
    const prefix = 'failed-uploads';
    const config = lakeConfig(lake, { s3_bucket_path: prefix });
    expect((await runWrite(destination, config, catalogOf(events('overwrite', 1)), (async function* () { yield rows(1, 2); })(), { ...WRITER, resumeState: [] })).thrown).toBeUndefined();
    const previous = await listKeys(lake, `${prefix}/public/events/`);
    const failed = await runWrite(destination, config, catalogOf(events('overwrite', 2)), failing(rows(3, 4), stateOf('events', 1), rows(5, 6)), { ...WRITER, resumeState: [] });
    expect(failed.messages).toEqual([stateOf('events', 1)]);
    expect(await listKeys(lake, `${prefix}/public/events/`)).toEqual(previous);
    expect(await visibleIds(prefix)).toEqual([1, 2]);
    const [committed, ...rest] = await recordedUploads(genDirOf(prefix, 2));
    expect(rest).toEqual([]);
    expect(await openUploads(`${prefix}/`)).toEqual([`${committed.key} ${committed.uploadId}`]);
  });

  it('append: a failed attempt removes its files after the last committed state; after a kill the next attempt does', async () => {
    const prefix = 'append-attempts';
    const config = lakeConfig(lake, { s3_bucket_path: prefix });
    const failed = await runWrite(destination, config, catalogOf(events('append', 7)), failing(rows(1, 2), stateOf('events', 1), rows(3, 4)), { ...WRITER, resumeState: [] });
    expect(failed.messages).toEqual([stateOf('events', 1)]);
    expect(await visibleIds(prefix)).toEqual([1, 2]);

    await killedAttempt(prefix, events('append', 7), { ...WRITER, resumeState: persisted(stateOf('events', 1)) }, rows(3, 4), stateOf('events', 2), rows(5, 6), async () => (await visibleIds(prefix)).length === 6);
    const retry = await runWrite(destination, config, catalogOf(events('append', 7)), (async function* () { yield rows(5, 6); yield stateOf('events', 3); })(), {
      ...WRITER,
      resumeState: persisted(stateOf('events', 2)),
    });
    expect(retry.thrown).toBeUndefined();
    expect(await visibleIds(prefix)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(await listKeys(lake, `${prefix}/.airbyte/`)).toEqual([]);
  });

  it('append: files covered by an acknowledged state the platform did not record are removed, so the re-read rows land once', async () => {
    const prefix = 'append-lag';
    const config = lakeConfig(lake, { s3_bucket_path: prefix });
    const failed = await runWrite(destination, config, catalogOf(events('append', 20)), failing(rows(1, 2), stateOf('events', 1), rows(3, 4), stateOf('events', 2)), { ...WRITER, resumeState: [] });
    expect(failed.messages).toEqual([stateOf('events', 1), stateOf('events', 2)]);
    // The worker died before recording state 2: the source resumes after state 1.
    const retry = await runWrite(destination, config, catalogOf(events('append', 20)), (async function* () { yield rows(3, 4); yield stateOf('events', 2); })(), {
      ...WRITER,
      resumeState: persisted(stateOf('events', 1)),
    });
    expect(retry.thrown).toBeUndefined();
    expect(await visibleIds(prefix)).toEqual([1, 2, 3, 4]);
  });

  it("another writer's files in the same stream path are never swept", async () => {
    const prefix = 'two-writers';
    const config = lakeConfig(lake, { s3_bucket_path: prefix });
    await killedAttempt(prefix, events('append', 30), { writerId: 'connection-a', resumeState: [] }, rows(1, 2), stateOf('events', 1), rows(3, 4), async () => (await visibleIds(prefix)).length === 4);
    expect((await runWrite(destination, config, catalogOf(events('append', 31)), (async function* () { yield rows(10); })(), { writerId: 'connection-b', resumeState: [] })).thrown).toBeUndefined();
    expect(await visibleIds(prefix)).toEqual([1, 2, 3, 4, 10]);
  });

  // Killed after promote.json and some of the copies: the staged files were complete, so the next
  // attempt must make exactly that generation current, object for object and row for row.
  for (const copiedBeforeKill of [1, 3]) {
    it(`a promotion killed after ${copiedBeforeKill} of 3 copies is finished by the next attempt: exactly the new generation, object by object`, async () => {
      const prefix = `promotion-killed-${copiedBeforeKill}`;
      const config = lakeConfig(lake, { s3_bucket_path: prefix });
      expect((await runWrite(destination, config, catalogOf(events('overwrite', 1)), (async function* () { yield rows(1, 2); })(), { ...WRITER, resumeState: [] })).thrown).toBeUndefined();
      // What an older version left: generation 2 staged and committed three files under its ledger.
      const genDir = genDirOf(prefix, 2);
      const staged = await stageAsOlderVersion(`${prefix}-source`, genDir, [rows(3, 4), rows(5, 6), rows(7, 8)]);
      expect(staged).toHaveLength(3);
      const finalKeys = staged.map((_, i) => `${prefix}/public/events/2025_01_01_1735689600000_${i}.parquet`);
      const stagedBytes = await Promise.all(staged.map((key) => getObject(lake, key)));
      // What promote() leaves when killed mid-way: its record, then the first copies.
      await lake.client.send(new PutObjectCommand({ Bucket: BUCKET, Key: `${genDir}promote.json`, Body: JSON.stringify(staged.map((key, i) => [key, finalKeys[i]])) }));
      for (let i = 0; i < copiedBeforeKill; i++) {
        await lake.client.send(new CopyObjectCommand({ Bucket: BUCKET, Key: finalKeys[i], CopySource: `${BUCKET}/${staged[i]}` }));
      }

      const next = await runWrite(destination, config, catalogOf(events('overwrite', 3)), failing(), { ...WRITER, resumeState: [] });
      expect(next.thrown).toMatchObject({ message: 'source lost its connection' });
      expect((await listKeys(lake, `${prefix}/public/events/`)).sort()).toEqual(finalKeys);
      for (const [i, key] of finalKeys.entries()) expect((await getObject(lake, key)).equals(stagedBytes[i])).toBe(true);
      expect(await visibleIds(prefix)).toEqual([3, 4, 5, 6, 7, 8]);
      expect(await listKeys(lake, genDir)).toEqual([]);
    });
  }

  it('finishes an older version\'s promotion that an interrupted attempt left before its copies', async () => {
    const prefix = 'promotion';
    const config = lakeConfig(lake, { s3_bucket_path: prefix });
    expect((await runWrite(destination, config, catalogOf(events('overwrite', 1)), (async function* () { yield rows(1, 2); })(), { ...WRITER, resumeState: [] })).thrown).toBeUndefined();
    // An older version's generation 2 staged all its files; its promotion was written down, then the process died before any copy.
    const genDir = genDirOf(prefix, 2);
    const [part] = await stageAsOlderVersion(`${prefix}-source`, genDir, [rows(3, 4)]);
    const finalKey = `${prefix}/public/events/2025_01_01_1735689600000_0.parquet`;
    await lake.client.send(new PutObjectCommand({ Bucket: BUCKET, Key: `${genDir}promote.json`, Body: JSON.stringify([[part, finalKey]]) }));

    // The next sync (it fails at once) finds the promotion and finishes it before anything else.
    const next = await runWrite(destination, config, catalogOf(events('overwrite', 3)), failing(), { ...WRITER, resumeState: [] });
    expect(next.thrown).toMatchObject({ message: 'source lost its connection' });
    expect(await listKeys(lake, `${prefix}/public/events/`)).toEqual([finalKey]);
    expect(await visibleIds(prefix)).toEqual([3, 4]);
    expect(await listKeys(lake, genDir)).toEqual([]);
  });

  // Killed after promote.json and some completions: every upload was committed, so the next
  // attempt completes the rest; an upload already completed shows up as its object.
  for (const completedBeforeKill of [0, 1, 3]) {
    it(`a promotion killed after ${completedBeforeKill} of 3 completions is finished by the next attempt: each row exactly once`, async () => {
      const prefix = `completion-killed-${completedBeforeKill}`;
      const config = lakeConfig(lake, { s3_bucket_path: prefix });
      expect((await runWrite(destination, config, catalogOf(events('overwrite', 1)), (async function* () { yield rows(1, 2); })(), { ...WRITER, resumeState: [] })).thrown).toBeUndefined();
      // Generation 2 uploads and commits three files, then its source fails: nothing completed yet.
      const uploading = await runWrite(destination, config, catalogOf(events('overwrite', 2)), failing(rows(3, 4), rows(5, 6), rows(7, 8), stateOf('events', 1)), { ...WRITER, resumeState: [] });
      expect(uploading.messages).toEqual([stateOf('events', 1)]);
      expect(await visibleIds(prefix)).toEqual([1, 2]);
      const genDir = genDirOf(prefix, 2);
      const uploads = await recordedUploads(genDir);
      expect(uploads).toHaveLength(3);
      // What promote() leaves when killed mid-way: its record, then the first completions.
      await lake.client.send(new PutObjectCommand({ Bucket: BUCKET, Key: `${genDir}promote.json`, Body: JSON.stringify({ uploads }) }));
      for (const u of uploads.slice(0, completedBeforeKill)) {
        await lake.client.send(new CompleteMultipartUploadCommand({ Bucket: BUCKET, Key: u.key, UploadId: u.uploadId, MultipartUpload: { Parts: u.parts } }));
      }

      const next = await runWrite(destination, config, catalogOf(events('overwrite', 3)), failing(), { ...WRITER, resumeState: [] });
      expect(next.thrown).toMatchObject({ message: 'source lost its connection' });
      expect((await listKeys(lake, `${prefix}/public/events/`)).sort()).toEqual(uploads.map((u) => u.key).sort());
      expect(await visibleIds(prefix)).toEqual([3, 4, 5, 6, 7, 8]);
      expect(await listKeys(lake, genDir)).toEqual([]);
      expect(await openUploads(`${prefix}/`)).toEqual([]);
    });
  }

  it("a retry of a generation an older version staged fails without replacing anything; the next job starts over", async () => {
    const prefix = 'older-staged-retry';
    const config = lakeConfig(lake, { s3_bucket_path: prefix });
    expect((await runWrite(destination, config, catalogOf(events('overwrite', 1)), (async function* () { yield rows(1, 2); })(), { ...WRITER, resumeState: [] })).thrown).toBeUndefined();
    const state = persisted(stateOf('events', 1));
    await stageAsOlderVersion(`${prefix}-source`, genDirOf(prefix, 2), [rows(3, 4)], stateFingerprint(state[0], { name: 'events', namespace: 'public' }));
    const retry = await runWrite(destination, config, catalogOf(events('overwrite', 2)), (async function* () { yield rows(5, 6); yield stateOf('events', 2); })(), { ...WRITER, resumeState: state });
    expect(retry.thrown).toMatchObject({ message: expect.stringContaining('staged by an older version') });
    expect(await visibleIds(prefix)).toEqual([1, 2]);
    expect((await runWrite(destination, config, catalogOf(events('overwrite', 3)), (async function* () { yield rows(7); })(), { ...WRITER, resumeState: [] })).thrown).toBeUndefined();
    expect(await visibleIds(prefix)).toEqual([7]);
    expect(await listKeys(lake, `${prefix}/.airbyte/`)).toEqual([]);
  });

  it('a retired generation\'s committed uploads are aborted, never completed', async () => {
    const prefix = 'retired-uploads';
    const config = lakeConfig(lake, { s3_bucket_path: prefix });
    expect((await runWrite(destination, config, catalogOf(events('overwrite', 1)), (async function* () { yield rows(1, 2); })(), { ...WRITER, resumeState: [] })).thrown).toBeUndefined();
    await runWrite(destination, config, catalogOf(events('overwrite', 2)), failing(rows(3, 4), stateOf('events', 1)), { ...WRITER, resumeState: [] });
    expect(await openUploads(`${prefix}/`)).toHaveLength(1);
    // The next job is a new generation: generation 2's upload must never become visible.
    expect((await runWrite(destination, config, catalogOf(events('overwrite', 3)), (async function* () { yield rows(9); })(), { ...WRITER, resumeState: [] })).thrown).toBeUndefined();
    expect(await visibleIds(prefix)).toEqual([9]);
    expect(await openUploads(`${prefix}/`)).toEqual([]);
    expect(await listKeys(lake, `${prefix}/.airbyte/`)).toEqual([]);
  });
});

/**
 * What an older version left in `genDir`: committed files staged as part-<seq>.parquet (made
 * by a real sync of `batches` to `sourcePrefix`, then copied) and their checkpoint.
 */
async function stageAsOlderVersion(sourcePrefix: string, genDir: string, batches: SourceOutput[], state = 'older'): Promise<string[]> {
  const config = lakeConfig(lake, { s3_bucket_path: sourcePrefix });
  expect((await runWrite(destination, config, catalogOf(events('overwrite', 1)), (async function* () { yield* batches; })(), { writerId: 'scratch', resumeState: [] })).thrown).toBeUndefined();
  const made = (await listKeys(lake, `${sourcePrefix}/public/events/`)).sort();
  const staged = made.map((_, i) => `${genDir}part-${String(i).padStart(8, '0')}.parquet`);
  for (const [i, key] of staged.entries()) await lake.client.send(new CopyObjectCommand({ Bucket: BUCKET, Key: key, CopySource: `${BUCKET}/${made[i]}` }));
  await lake.client.send(new PutObjectCommand({ Bucket: BUCKET, Key: `${genDir}ck-00000000.json`, Body: JSON.stringify({ files: staged.length, state }) }));
  return staged;
}
