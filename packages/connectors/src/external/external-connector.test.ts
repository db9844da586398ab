// The adapter against a small external connector of ours (test/protocol-fixture.mjs): a real
// child process on every call, misbehaving on purpose.
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AirbyteMessage, ConfiguredAirbyteCatalog, LogLevel } from '@platform/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SourceOutput } from '../framework/batches';
import type { ConnectorContext } from '../framework/connector';
import { ConnectorError } from '../framework/errors';
import { externalDestination, externalSource, fetchExternalSpec } from './external-connector';
import type { ExternalCommand } from './external-process';

const FIXTURE = fileURLToPath(new URL('./test/protocol-fixture.mjs', import.meta.url));
const MEMORY_HOG = fileURLToPath(new URL('./test/memory-hog.py', import.meta.url));
const command = (extra: Partial<ExternalCommand> = {}): ExternalCommand => ({ name: 'source-fixture', command: process.execPath, args: [FIXTURE], ...extra });
const catalog: ConfiguredAirbyteCatalog = {
  streams: [{ stream: { name: 'items', json_schema: {}, supported_sync_modes: ['incremental'] }, sync_mode: 'incremental', destination_sync_mode: 'append' }],
};

function context(signal?: AbortSignal, limits?: ConnectorContext['limits']): ConnectorContext & { lines: string[] } {
  const lines: string[] = [];
  return { lines, signal, limits, log: (level: LogLevel, message: string) => lines.push(`${level} ${message}`) };
}

async function collect(items: AsyncIterable<SourceOutput>): Promise<SourceOutput[]> {
  const out: SourceOutput[] = [];
  for await (const item of items) out.push(item);
  return out;
}

const recordIds = (items: SourceOutput[]) => items.flatMap((i) => (i.type === 'RECORD_BATCH' ? i.records.map((r) => r.id) : []));
const states = (items: Array<SourceOutput | AirbyteMessage>) => items.flatMap((i) => (i.type === 'STATE' ? [i.state.stream?.stream_state] : []));

let spec: Awaited<ReturnType<typeof fetchExternalSpec>>;
let work: string;
beforeAll(async () => {
  spec = await fetchExternalSpec(command(), context());
  work = await mkdtemp(join(tmpdir(), 'external-test-'));
});
afterAll(() => rm(work, { recursive: true, force: true }));

describe('external source', () => {
  it('answers spec, check and discover from the executable, scrubbing the secret from its log and stderr', async () => {
    expect(spec.connectionSpecification.properties).toHaveProperty('api_key');
    const source = externalSource(command(), spec);
    const ctx = context();
    expect(await source.check({ api_key: 'good' }, ctx)).toEqual({ status: 'SUCCEEDED' });
    expect(await source.check({ api_key: 'wrong-key' }, ctx)).toEqual({ status: 'FAILED', message: 'bad key' });
    expect(ctx.lines.join('\n')).not.toContain('wrong-key');
    expect(ctx.lines.join('\n')).toContain('starting check with key **********');
    expect((await source.discover({ api_key: 'good' }, ctx)).streams.map((s) => s.name)).toEqual(['items']);
  });

  it('reads records in batches with states after them, resumes from a state, and keeps the config off the command line and environment', async () => {
    const source = externalSource(command(), spec);
    const items = await collect(source.read({ api_key: 'sekret-value', count: 25 }, catalog, undefined, context()));
    expect(recordIds(items)).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
    expect(states(items)).toEqual([{ cursor: 10 }, { cursor: 20 }, { cursor: 25 }]);
    // Every record before a state is yielded before it.
    const firstState = items.findIndex((i) => i.type === 'STATE');
    expect(recordIds(items.slice(0, firstState))).toEqual(Array.from({ length: 10 }, (_, i) => i + 1));

    const seen = JSON.parse((items.find((i) => i.type === 'LOG') as Extract<AirbyteMessage, { type: 'LOG' }>).log.message);
    expect(seen.configMode).toBe('600');
    expect(JSON.stringify(seen.argv)).not.toContain('sekret-value');
    expect(seen.env.sort()).toEqual(expect.not.arrayContaining(['PLATFORM_SECRET_KEY', 'DATABASE_URL']));
    expect(existsSync(seen.configFile)).toBe(false); // the private dir is gone

    const resumed = await collect(source.read({ api_key: 'k3y', count: 25 }, catalog, [{ type: 'STREAM', stream: { stream_descriptor: { name: 'items' }, stream_state: { cursor: 20 } } }], context()));
    expect(recordIds(resumed)).toEqual([21, 22, 23, 24, 25]);
  });

  it('fails on a bad JSON line, naming the connector and the line number', async () => {
    const source = externalSource(command(), spec);
    const err = await collect(source.read({ api_key: 'k3y', mode: 'bad-json' }, catalog, undefined, context())).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectorError);
    // Line 1 is the LOG, then records 1..3: the bad line is line 5.
    expect((err as Error).message).toMatch(/^source-fixture broke the Airbyte Protocol on stdout line 5: malformed JSON/);
  });

  it('turns an ERROR trace into the failure it names, with the secret scrubbed', async () => {
    const source = externalSource(command(), spec);
    const err = (await collect(source.read({ api_key: 'k3y-secret', mode: 'trace-error' }, catalog, undefined, context())).catch((e: unknown) => e)) as ConnectorError;
    expect(err).toBeInstanceOf(ConnectorError);
    expect(err.failureType).toBe('config_error');
    expect(err.message).toBe('the API refused key **********');
  });

  it('fails a non-zero exit without a trace, quoting stderr', async () => {
    const source = externalSource(command(), spec);
    const err = (await collect(source.read({ api_key: 'k3y-secret', mode: 'exit-2' }, catalog, undefined, context())).catch((e: unknown) => e)) as ConnectorError;
    expect(err.message).toBe('source-fixture read exited with code 2; its last stderr lines: starting read with key **********');
  });

  it('stops a connector that goes silent (heartbeat)', async () => {
    const source = externalSource(command({ heartbeatMs: 1500 }), spec);
    const err = (await collect(source.read({ api_key: 'k3y', mode: 'hang', count: 1 }, catalog, undefined, context())).catch((e: unknown) => e)) as ConnectorError;
    expect(err.message).toBe('source-fixture produced no output for 2 s (heartbeat) and was stopped');
  });

  it('stops a connector that keeps talking but runs past its timeout', async () => {
    const source = externalSource(command({ timeoutMs: 2000 }), spec);
    const ctx = context();
    const err = (await collect(source.read({ api_key: 'k3y', mode: 'trickle', count: 1 }, catalog, undefined, ctx)).catch((e: unknown) => e)) as ConnectorError;
    expect(err.message).toBe('source-fixture read did not finish within its timeout of 2 s and was stopped');
    expect(err.failureType).toBe('system_error');
  });

  it('cancel sends SIGTERM, then SIGKILL to a connector that ignores it', async () => {
    const source = externalSource(command({ stopGraceMs: 500 }), spec);
    const abort = new AbortController();
    const ctx = context(abort.signal);
    const seen: SourceOutput[] = [];
    const err = await (async () => {
      for await (const item of source.read({ api_key: 'k3y', mode: 'ignore-sigterm', count: 1 }, catalog, undefined, ctx)) {
        seen.push(item);
        if (item.type === 'LOG') abort.abort();
      }
    })().catch((e: unknown) => e);
    expect((err as Error).message).toBe('source-fixture was cancelled');
    expect(ctx.lines.some((l) => l.includes('ignoring SIGTERM'))).toBe(true);
  });

  it('a consumer that stops pulling stops the connector (backpressure), and then gets every record', async () => {
    const total = 200_000; // about 16 MB of JSON lines
    const progress = join(work, 'progress');
    const source = externalSource(command(), spec);
    const items = source.read({ api_key: 'k3y', mode: 'flood', count: total, progress }, catalog, undefined, context())[Symbol.asyncIterator]();
    const first = await items.next();
    expect(first.value.type).toBe('LOG');
    // Hold the iterator: the connector blocks once the pipe and the stream buffers are full.
    const written = async () => Number(await readFile(progress, 'utf8').catch(() => '0'));
    let stable = 0;
    let last = -1;
    while (stable < 10) {
      await new Promise((r) => setTimeout(r, 100));
      const now = await written();
      stable = now === last ? stable + 1 : 0;
      last = now;
    }
    expect(last).toBeGreaterThan(0);
    expect(last).toBeLessThan(total / 10);
    const ids: unknown[] = [];
    for (let item = await items.next(); !item.done; item = await items.next()) if (item.value.type === 'RECORD_BATCH') ids.push(...item.value.records.map((r) => r.id));
    expect(ids).toEqual(Array.from({ length: total }, (_, i) => i + 1));
  }, 60_000);

  it('a program that is not there fails with a clear reason', async () => {
    await expect(fetchExternalSpec(command({ command: join(work, 'no-such-program'), args: [] }), context())).rejects.toThrow(/source-fixture spec could not be started: spawn .*no-such-program ENOENT/);
  });
});

describe('memory limit', () => {
  const hog = { name: 'source-hog', command: 'python3', args: [MEMORY_HOG] };
  const hogCatalog = catalog;

  it('an allocation past the limit ends the run as out of memory, naming the limit', async () => {
    const hogSpec = await fetchExternalSpec(hog, context());
    const source = externalSource(hog, hogSpec);
    const ctx = context(undefined, { memoryMiB: 200 });
    const err = (await collect(source.read({ allocate_mib: 400 }, hogCatalog, undefined, ctx)).catch((e: unknown) => e)) as ConnectorError;
    expect(err).toBeInstanceOf(ConnectorError);
    expect(err.failureType).toBe('system_error');
    expect(err.message).toBe(
      "source-hog read ran out of memory: it may use at most 200 MiB (the memory_limit of the connection's resourceRequirements, else of the source role in config/config.yaml); raise that limit",
    );
    expect(ctx.lines.join('\n')).toContain('MemoryError');
  });

  it('the same allocation within the limit reads to the end', async () => {
    const hogSpec = await fetchExternalSpec(hog, context());
    const source = externalSource(hog, hogSpec);
    const items = await collect(source.read({ allocate_mib: 400 }, hogCatalog, undefined, context(undefined, { memoryMiB: 1024 })));
    expect(recordIds(items)).toEqual([1, 2]);
    expect(states(items)).toEqual([{ cursor: 2 }]);
  });
});

describe('external destination', () => {
  it('receives every record on stdin and echoes the states it committed', async () => {
    const out = join(work, 'written.jsonl');
    const destination = externalDestination({ ...command(), name: 'destination-fixture' }, spec);
    async function* input(): AsyncGenerator<SourceOutput> {
      yield { type: 'RECORD_BATCH', stream: 'items', emittedAt: 1, records: [{ id: 1 }, { id: 2 }] };
      yield { type: 'STATE', state: { type: 'STREAM', stream: { stream_descriptor: { name: 'items' }, stream_state: { cursor: 2 } } } };
      yield { type: 'RECORD_BATCH', stream: 'items', emittedAt: 1, records: [{ id: 3 }] };
      yield { type: 'STATE', state: { type: 'STREAM', stream: { stream_descriptor: { name: 'items' }, stream_state: { cursor: 3 } } } };
    }
    const messages: AirbyteMessage[] = [];
    for await (const m of destination.write({ api_key: 'k3y', out }, catalog, input(), context())) messages.push(m);
    expect(states(messages)).toEqual([{ cursor: 2 }, { cursor: 3 }]);
    expect((await readFile(out, 'utf8')).trim().split('\n').map((l) => JSON.parse(l).id)).toEqual([1, 2, 3]);
  });

  it('fails when it exits, even with code 0, before reading all its input', async () => {
    const destination = externalDestination({ ...command(), name: 'destination-fixture' }, spec);
    async function* input(): AsyncGenerator<SourceOutput> {
      // More than a pipe holds, so the writer is still waiting when the process is gone.
      for (let i = 0; i < 20; i++) yield { type: 'RECORD_BATCH', stream: 'items', emittedAt: 1, records: Array.from({ length: 1000 }, (_, j) => ({ id: i * 1000 + j, padding: 'y'.repeat(100) })) };
    }
    const run = (async () => {
      for await (const _ of destination.write({ api_key: 'k3y', mode: 'exit-early' }, catalog, input(), context()));
    })();
    await expect(run).rejects.toThrow('destination-fixture write exited with code 0 before it read all its input; its last stderr lines: starting write with key **********');
  });

  it('is killed, not left to commit, when its input fails', async () => {
    const destination = externalDestination({ ...command(), name: 'destination-fixture' }, spec);
    async function* input(): AsyncGenerator<SourceOutput> {
      yield { type: 'RECORD_BATCH', stream: 'items', emittedAt: 1, records: [{ id: 1 }] };
      throw new ConnectorError('the source failed', 'transient_error');
    }
    const run = (async () => {
      for await (const _ of destination.write({ api_key: 'k3y', out: join(work, 'failed.jsonl') }, catalog, input(), context()));
    })();
    await expect(run).rejects.toThrow('the source failed');
  });
});
