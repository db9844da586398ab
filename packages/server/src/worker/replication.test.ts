import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ConfiguredAirbyteCatalog } from '@platform/protocol';
import type { ChildReport, ReplicationInput } from './child-protocol';
import { mapStream } from './namespace-mapping';
import { runReplication } from './replication';
import { fakeSource, fakeDestination } from '../testing/fake-connectors';

const catalog: ConfiguredAirbyteCatalog = {
  streams: [{ stream: { name: 'numbers', namespace: 'public', json_schema: {}, supported_sync_modes: ['incremental'] }, sync_mode: 'incremental', destination_sync_mode: 'append', cursor_field: ['id'] }],
};
const streams = [mapStream({ name: 'numbers', namespace: 'public' }, { namespaceDefinition: 'customformat', namespaceFormat: 'production_${SOURCE_NAMESPACE}', prefix: 'raw_' })];

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'replication-test-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

async function replicate(source: Record<string, unknown>, destination: Record<string, unknown> = {}, state?: ReplicationInput['state'], configured = catalog) {
  const reports: ChildReport[] = [];
  const input: ReplicationInput = {
    source: { connector: fakeSource.name, config: source },
    destination: { connector: fakeDestination.name, config: { directory: dir, ...destination } },
    catalog: configured,
    state,
    streams: configured.streams.map((s) => mapStream(s.stream, { namespaceDefinition: 'customformat', namespaceFormat: 'production_${SOURCE_NAMESPACE}', prefix: 'raw_' })),
    tmpDir: dir,
  };
  const outcome = await runReplication(input, { source: fakeSource, destination: fakeDestination }, { report: (r) => reports.push(r), signal: new AbortController().signal });
  return { outcome, reports, of: <T extends ChildReport['type']>(t: T) => reports.filter((r): r is Extract<ChildReport, { type: T }> => r.type === t) };
}

describe('runReplication', () => {
  it('writes under the mapped names and reports acknowledged states under the source names', async () => {
    const { outcome, of } = await replicate({ records: 250, batch_size: 50, state_every: 100 });
    expect(outcome).toBe('succeeded');
    const lines = (await readFile(join(dir, 'production_public.raw_numbers.jsonl'), 'utf8')).trim().split('\n');
    expect(lines).toHaveLength(250);
    expect(of('state').map((r) => r.state.stream)).toEqual([
      { stream_descriptor: { name: 'numbers', namespace: 'public' }, stream_state: { cursor: 100 } },
      { stream_descriptor: { name: 'numbers', namespace: 'public' }, stream_state: { cursor: 200 } },
      { stream_descriptor: { name: 'numbers', namespace: 'public' }, stream_state: { cursor: 250 } },
    ]);
    expect(of('state')[0].stats.streams[0]).toMatchObject({ name: 'numbers', namespace: 'public', recordsCommitted: 100 });
    expect(of('succeeded')[0].stats.streams[0]).toMatchObject({ recordsEmitted: 250, recordsCommitted: 250, bytesEmitted: expect.any(Number) });
  });

  it('gives each connector its own limits in its context', async () => {
    const seen: Record<string, unknown> = {};
    const source = { ...fakeSource, read: (...args: Parameters<typeof fakeSource.read>) => ((seen.source = args[3].limits), fakeSource.read(...args)) };
    const destination = { ...fakeDestination, write: (...args: Parameters<typeof fakeDestination.write>) => ((seen.destination = args[3].limits), fakeDestination.write(...args)) };
    const input: ReplicationInput = {
      source: { connector: fakeSource.name, config: { records: 10 } },
      destination: { connector: fakeDestination.name, config: { directory: dir } },
      catalog,
      streams,
      limits: { source: { memoryMiB: 256 }, destination: { memoryMiB: 512 } },
      tmpDir: dir,
    };
    expect(await runReplication(input, { source, destination }, { report: () => undefined, signal: new AbortController().signal })).toBe('succeeded');
    expect(seen).toEqual({ source: { memoryMiB: 256 }, destination: { memoryMiB: 512 } });
  });

  it('resumes from the state it is given', async () => {
    const state = [{ type: 'STREAM' as const, stream: { stream_descriptor: { name: 'numbers', namespace: 'public' }, stream_state: { cursor: 200 } } }];
    const { of } = await replicate({ records: 250, batch_size: 50 }, {}, state);
    expect(of('succeeded')[0].stats.streams[0].recordsEmitted).toBe(50);
  });

  it('reports a source failure with its type and origin, and never the secret', async () => {
    const { outcome, of } = await replicate({ records: 500, batch_size: 50, state_every: 100, password: 'hunter2-secret', fail_after_records: 230, failure_type: 'config_error' });
    expect(outcome).toBe('failed');
    const [failed] = of('failed');
    expect(failed.failures[0]).toMatchObject({ failureOrigin: 'source', failureType: 'config_error', externalMessage: 'injected source failure (password **********)' });
    expect(failed.stats.streams[0]).toMatchObject({ recordsCommitted: 200 });
    expect(JSON.stringify(of('log'))).not.toContain('hunter2-secret');
    // Only what the destination committed before the failure was acknowledged.
    expect(of('state').map((r) => r.state.stream?.stream_state)).toEqual([{ cursor: 100 }, { cursor: 200 }]);
  });

  it('a stream the source fails alone is reported with its stream; the others are committed', async () => {
    const twoStreams: ConfiguredAirbyteCatalog = { streams: [...catalog.streams, { ...catalog.streams[0], stream: { ...catalog.streams[0].stream, name: 'letters' } }] };
    const { outcome, of, reports } = await replicate({ records: 250, batch_size: 50, state_every: 100, fail_streams: ['numbers'] }, {}, undefined, twoStreams);
    expect(outcome).toBe('failed');
    const [failed] = of('failed');
    expect(failed.failures).toEqual([
      expect.objectContaining({ failureOrigin: 'source', failureType: 'system_error', externalMessage: 'injected failure of stream numbers', streamDescriptor: { name: 'numbers', namespace: 'public' } }),
    ]);
    expect(failed.completedStreams).toEqual([{ name: 'letters', namespace: 'public' }]);
    expect(failed.stats.streams).toEqual([
      expect.objectContaining({ name: 'numbers', recordsEmitted: 0, recordsCommitted: 0 }),
      expect.objectContaining({ name: 'letters', recordsEmitted: 250, recordsCommitted: 250 }),
    ]);
    expect(of('state').map((r) => r.state.stream?.stream_descriptor.name)).toEqual(['letters', 'letters', 'letters']);
    expect((await readFile(join(dir, 'production_public.raw_letters.jsonl'), 'utf8')).trim().split('\n')).toHaveLength(250);
    expect(reports.some((r) => r.type === 'succeeded')).toBe(false);
  });

  it('a stream the destination fails alone is reported with its stream (under its source name); the others are committed', async () => {
    const twoStreams: ConfiguredAirbyteCatalog = { streams: [...catalog.streams, { ...catalog.streams[0], stream: { ...catalog.streams[0].stream, name: 'letters' } }] };
    const { outcome, of } = await replicate({ records: 250, batch_size: 50, state_every: 100 }, { fail_streams: ['raw_numbers'] }, undefined, twoStreams);
    expect(outcome).toBe('failed');
    const [failed] = of('failed');
    expect(failed.failures).toEqual([
      expect.objectContaining({ failureOrigin: 'destination', failureType: 'system_error', streamDescriptor: { name: 'numbers', namespace: 'public' } }),
    ]);
    expect(failed.completedStreams).toEqual([{ name: 'letters', namespace: 'public' }]);
    expect(failed.stats.streams).toEqual([
      expect.objectContaining({ name: 'numbers', recordsEmitted: 250, recordsCommitted: 0 }),
      expect.objectContaining({ name: 'letters', recordsEmitted: 250, recordsCommitted: 250 }),
    ]);
    expect(of('state').map((r) => r.state.stream?.stream_descriptor.name)).toEqual(['letters', 'letters', 'letters']);
  });

  it('reports a destination failure as such', async () => {
    const { outcome, of } = await replicate(
      { records: 300, batch_size: 50 },
      { fail: { times: 1, after_records: 100, failure_type: 'transient_error', counter_file: join(dir, 'runs') } },
    );
    expect(outcome).toBe('failed');
    expect(of('failed')[0].failures[0]).toMatchObject({ failureOrigin: 'destination', failureType: 'transient_error' });
  });
});
