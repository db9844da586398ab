// source-file against real files on the local filesystem.
import { mkdtempSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FileSourceConfig } from './config';
import { sourceFile } from './index';
import { catalogFor, checkMessage, readAll, testContext } from './test/read-helpers';

// Created up front: the it.each tables below build configs at collection time.
const dir = mkdtempSync(join(tmpdir(), 'source-file-'));
const local = (file: string, extra: Partial<FileSourceConfig> = {}): FileSourceConfig => ({
  dataset_name: 'people',
  format: 'csv',
  url: join(dir, file),
  provider: { storage: 'local' },
  ...extra,
});

beforeAll(async () => {
  const many = ['id,score', ...Array.from({ length: 4_500 }, (_, i) => `${i},${i / 2}`)].join('\n');
  await Promise.all([
    writeFile(join(dir, 'quoted.csv'), 'id,name,note\n1,"Smith, Jane","line one\nline two"\n2,Bob,"said ""hi"""\n'),
    writeFile(join(dir, 'no-header.csv'), '1,a,true\n2,b,false\n'),
    writeFile(join(dir, 'semicolon.csv'), 'city;population\nBerlin;3645000\n"Köln; Rhein";1084000\n'),
    writeFile(join(dir, 'latin1.csv'), iconv.encode('name;city\nRené;Zürich\nJosé;São Paulo\n', 'latin1')),
    writeFile(join(dir, 'utf16.csv'), iconv.encode('name,city\nRené,Zürich\n', 'utf16')),
    writeFile(join(dir, 'people.csv.gz'), gzipSync('id,name\n1,Ann\n2,Ben\n')),
    writeFile(join(dir, 'gzip-without-suffix.csv'), gzipSync('id,name\n1,Ann\n')),
    writeFile(join(dir, 'events.jsonl'), '{"id":1,"tags":["a"],"at":"2024-01-02T03:04:05Z","meta":{"k":1}}\n\n{"id":2,"tags":[],"at":"2024-02-03T00:00:00Z","meta":null}\n'),
    writeFile(
      join(dir, 'types.csv'),
      'int,num,bool,ts,ts_local,day,zip,text,empty\n1,1.5,true,2024-01-02T03:04:05Z,2024-01-02 03:04:05,2024-01-02,007,x,\n-2,3,FALSE,2024-01-03T00:00:00+02:00,2024-01-03 00:00,2024-12-31,123,NA,\n',
    ),
    writeFile(join(dir, 'many.csv'), many),
    writeFile(join(dir, 'unclosed-quote.csv'), 'a,b\n1,"oops\n'),
    writeFile(join(dir, 'ragged.csv'), 'a,b\n1,2,3\n'),
    writeFile(join(dir, 'binary.csv'), Buffer.from([0x50, 0x41, 0x52, 0x31, 0x00, 0x00, 0x15, 0x04])),
    writeFile(join(dir, 'empty.csv'), ''),
    writeFile(join(dir, 'bad.jsonl'), '{"id":1}\n{"id":\n'),
    mkdir(join(dir, 'a-directory')),
  ]);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('source-file reading local CSV', () => {
  it('reads quoted fields holding delimiters, line breaks and doubled quotes', async () => {
    const { records } = await readAll(local('quoted.csv'));
    expect(records).toEqual([
      { id: 1, name: 'Smith, Jane', note: 'line one\nline two' },
      { id: 2, name: 'Bob', note: 'said "hi"' },
    ]);
  });

  it('names columns f0, f1, ... when the file has no header row', async () => {
    const { records } = await readAll(local('no-header.csv', { reader_options: '{"header": null}' }));
    expect(records).toEqual([
      { f0: 1, f1: 'a', f2: true },
      { f0: 2, f1: 'b', f2: false },
    ]);
  });

  it('honours sep=";"', async () => {
    const { records } = await readAll(local('semicolon.csv', { reader_options: '{"sep": ";"}' }));
    expect(records).toEqual([
      { city: 'Berlin', population: 3645000 },
      { city: 'Köln; Rhein', population: 1084000 },
    ]);
  });

  it('decodes latin1 and utf-16 files', async () => {
    const latin1 = await readAll(local('latin1.csv', { reader_options: '{"sep": ";", "encoding": "latin1"}' }));
    expect(latin1.records).toEqual([
      { name: 'René', city: 'Zürich' },
      { name: 'José', city: 'São Paulo' },
    ]);
    const utf16 = await readAll(local('utf16.csv', { reader_options: '{"encoding": "utf-16"}' }));
    expect(utf16.records).toEqual([{ name: 'René', city: 'Zürich' }]);
  });

  it('gunzips by .gz suffix and by sniffing gzip content', async () => {
    expect((await readAll(local('people.csv.gz'))).records).toEqual([
      { id: 1, name: 'Ann' },
      { id: 2, name: 'Ben' },
    ]);
    expect((await readAll(local('gzip-without-suffix.csv'))).records).toEqual([{ id: 1, name: 'Ann' }]);
  });

  it('infers integer, number, boolean, date-time, date and string columns from the sample', async () => {
    const catalog = await catalogFor(local('types.csv'));
    const stream = catalog.streams[0].stream;
    expect(stream.name).toBe('people');
    expect(stream.supported_sync_modes).toEqual(['full_refresh']);
    expect(stream.json_schema.properties).toEqual({
      int: { type: ['integer', 'null'] },
      num: { type: ['number', 'null'] },
      bool: { type: ['boolean', 'null'] },
      ts: { type: ['string', 'null'], format: 'date-time', airbyte_type: 'timestamp_with_timezone' },
      ts_local: { type: ['string', 'null'], format: 'date-time', airbyte_type: 'timestamp_without_timezone' },
      day: { type: ['string', 'null'], format: 'date' },
      zip: { type: ['string', 'null'] },
      text: { type: ['string', 'null'] },
      empty: { type: ['string', 'null'] },
    });
    const { records } = await readAll(local('types.csv'));
    expect(records[1]).toEqual({
      int: -2, num: 3, bool: false, ts: '2024-01-03T00:00:00+02:00', ts_local: '2024-01-03 00:00', day: '2024-12-31', zip: '123', text: null, empty: null,
    });
  });

  it('reads JSON lines as objects, nested values kept', async () => {
    const config = local('events.jsonl', { format: 'jsonl', dataset_name: 'events' });
    const catalog = await catalogFor(config);
    expect(catalog.streams[0].stream.json_schema.properties).toEqual({
      id: { type: ['integer', 'null'] },
      tags: { type: ['array', 'null'] },
      at: { type: ['string', 'null'], format: 'date-time', airbyte_type: 'timestamp_with_timezone' },
      meta: { type: ['object', 'null'] },
    });
    const { records } = await readAll(config);
    expect(records).toEqual([
      { id: 1, tags: ['a'], at: '2024-01-02T03:04:05Z', meta: { k: 1 } },
      { id: 2, tags: [], at: '2024-02-03T00:00:00Z', meta: null },
    ]);
  });

  it('emits records in batches between STARTED/RUNNING and a final state with COMPLETE', async () => {
    const { records, batchSizes, messages } = await readAll(local('many.csv'));
    expect(records).toHaveLength(4_500);
    expect(batchSizes).toEqual([2_000, 2_000, 500]);
    const summary = messages.map((m) => (m.type === 'TRACE' ? m.trace.stream_status?.status : m.type));
    expect(summary).toEqual(['STARTED', 'RUNNING', 'STATE', 'COMPLETE']);
    const state = messages.find((m) => m.type === 'STATE');
    expect(state?.type === 'STATE' && state.state).toMatchObject({
      type: 'STREAM',
      stream: { stream_descriptor: { name: 'people' }, stream_state: { __ab_no_cursor_state_message: true } },
      sourceStats: { recordCount: 4_500 },
    });
  });

  it('honours skiprows, nrows and na_values, and warns about keys it does not support', async () => {
    const { records, logs } = await readAll(local('many.csv', { reader_options: '{"skiprows": 2, "header": null, "nrows": 2, "na_values": ["2"], "dtype": "str"}' }));
    expect(records).toEqual([
      { f0: 1, f1: 0.5 },
      { f0: null, f1: 1 },
    ]);
    expect(logs.join('\n')).toMatch(/ignored: dtype/);
  });
});

describe('source-file check', () => {
  it('succeeds for a readable file', async () => {
    expect(await checkMessage(local('quoted.csv'))).toBe('SUCCEEDED');
  });

  it.each([
    ['a missing file', local('nope.csv'), /^File not found: .*nope\.csv$/],
    ['a directory', local('a-directory'), /a-directory is a directory, not a file/],
    ['a quote never closed', local('unclosed-quote.csv'), /Cannot parse .*: a quoted field in CSV row 2 is never closed/],
    ['more fields than the header', local('ragged.csv'), /data row 1 has 3 fields but there are 2 columns/],
    ['a binary file', local('binary.csv'), /contains binary data/],
    ['an empty file', local('empty.csv'), /the file is empty/],
    ['latin1 read as utf-8', local('latin1.csv'), /is not valid UTF-8 text; set "encoding" in reader_options/],
    ['a broken JSON line', local('bad.jsonl', { format: 'jsonl' }), /line 2 is not valid JSON/],
    ['a CSV read as jsonl', local('quoted.csv', { format: 'jsonl' }), /line 1 is not valid JSON/],
    ['reader_options that are not JSON', local('quoted.csv', { reader_options: "{'sep': ';'}" }), /reader_options is not valid JSON/],
    ['a multi-character sep', local('quoted.csv', { reader_options: '{"sep": "\\\\s+"}' }), /reader_options.sep must be a single character/],
    ['an unknown encoding', local('quoted.csv', { reader_options: '{"encoding": "klingon"}' }), /encoding "klingon" is not a supported encoding/],
  ])('fails clearly for %s', async (_, config, message) => {
    expect(await checkMessage(config)).toMatch(message);
  });

  it.each([
    ['a missing url', { dataset_name: 'x', format: 'csv', provider: { storage: 'local' } }, /url is required/],
    ['an unsupported format', { dataset_name: 'x', format: 'xml', url: '/x', provider: { storage: 'local' } }, /format must be one of csv, jsonl/],
    ['an unknown storage', { dataset_name: 'x', format: 'csv', url: '/x', provider: { storage: 'FTP' } }, /provider.storage must be one of HTTPS, S3, local \(got "FTP"\)/],
  ])('fails for a config that violates the spec: %s', async (_, config, message) => {
    const text = await checkMessage(config);
    expect(text).toMatch(message);
    expect(text).not.toMatch(/\n\s+at /); // never a stack trace
  });
});

describe('source-file read with a bad catalog', () => {
  it('refuses incremental sync and streams it does not have', async () => {
    const config = local('quoted.csv');
    const catalog = await catalogFor(config);
    const incremental = { streams: [{ ...catalog.streams[0], sync_mode: 'incremental' as const }] };
    await expect(drain(sourceFile.read(config, incremental, undefined, testContext()))).rejects.toThrow(/supports only full_refresh/);
    const unknown = { streams: [{ ...catalog.streams[0], stream: { ...catalog.streams[0].stream, name: 'other' } }] };
    await expect(drain(sourceFile.read(config, unknown, undefined, testContext()))).rejects.toThrow(/asks for stream "other"/);
  });
});

async function drain(items: AsyncIterable<unknown>): Promise<void> {
  for await (const _ of items);
}
