// The write loop. Commit rule: a STATE is yielded only after every record before it (of the
// streams it covers) is in S3 and the stream's ledger has a checkpoint for it. Overwrite files
// are uncompleted uploads, completed (older objects removed) only after the whole input was
// consumed and every file uploaded; a failed attempt removes what it wrote past its last
// checkpoint, and the next attempt removes what a killed one left (stream-ledger.ts).
// A stream fails alone: one the source reports INCOMPLETE, or whose data cannot be converted
// here, takes no more data, acknowledges no more STATE and replaces nothing (an ERROR trace
// names it; its files past the last checkpoint are removed), while the other streams commit.
// Pipelined: while chunk N uploads, chunk N+1 converts and the source produces chunk N+2;
// a STATE is acknowledged as soon as the uploads before it finish.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { errorTraceMessage, streamKey, type AirbyteMessage, type AirbyteStateMessage, type ConfiguredAirbyteCatalog, type StreamDescriptor } from '@platform/protocol';
import { pullReadingPostgresTimestamps, type SourceOutput } from '../framework/batches';
import type { DestinationContext } from '../framework/connector';
import { asConnectorError, configError, systemError } from '../framework/errors';
import type { S3Settings } from './config';
import { openDuckDb, type DuckDb } from './duckdb';
import { readAhead } from './read-ahead';
import { StateAcks, type ReadyState } from './state-acks';
import { outputFormat } from './formats/index';
import { keySegment } from './key-segments';
import { ObjectStore } from './object-store';
import { StreamObjectKeys } from './object-keys';
import { resumePoint, stateFingerprint } from './state-fingerprint';
import { ledgerRoot, ledgerStreamId, StreamLedger } from './stream-ledger';
import { StreamSink, type SinkLimits } from './stream-sink';
import { UploadQueue } from './uploads';

export interface S3WriteLimits extends SinkLimits {
  /** Parquet files split past this size (Airbyte targets about 200 MB). */
  maxFileBytes: number;
  /** Files uploading at once. */
  uploadsInFlight: number;
}

export const DEFAULT_WRITE_LIMITS: S3WriteLimits = {
  bufferMaxRows: 1_000_000,
  bufferMaxBytes: 128 * 1024 * 1024,
  maxFileBytes: 200 * 1024 * 1024,
  uploadsInFlight: 2,
};

function assertSupportedModes(catalog: ConfiguredAirbyteCatalog): void {
  for (const { stream, destination_sync_mode } of catalog.streams) {
    if (destination_sync_mode !== 'overwrite' && destination_sync_mode !== 'append') {
      throw configError(`stream ${stream.name}: destination sync mode ${destination_sync_mode} is not supported by S3 (objects cannot be deduplicated); use overwrite or append`);
    }
  }
}

const descriptorOf = (item: { stream: string; namespace?: string | null }): StreamDescriptor => ({ name: item.stream, namespace: item.namespace });
const labelOf = (d: StreamDescriptor) => `${d.namespace ? `${d.namespace}.` : ''}${d.name}`;

/** Two streams the key template maps to the same objects would overwrite each other: refused. */
function assertStreamsSeparate(sinks: StreamSink[]): void {
  const byPath = new Map<string, StreamSink>();
  for (const sink of sinks) {
    const other = byPath.get(sink.keys.streamPath);
    if (other) {
      throw configError(
        `s3_path_format: streams ${labelOf(other.configured.stream)} and ${labelOf(sink.configured.stream)} would be written to the same objects; add \${NAMESPACE} (or rename a stream with the connection's prefix)`,
      );
    }
    byPath.set(sink.keys.streamPath, sink);
  }
}

/** The streams a STATE speaks for: its own stream, or all of them for GLOBAL and LEGACY state. */
function coveredStreams(state: AirbyteStateMessage): StreamDescriptor | 'all' {
  return state.type === 'STREAM' && state.stream ? state.stream.stream_descriptor : 'all';
}

export async function* writeToS3(
  settings: S3Settings,
  catalog: ConfiguredAirbyteCatalog,
  input: AsyncIterable<SourceOutput>,
  ctx: DestinationContext,
  limits: S3WriteLimits,
): AsyncGenerator<AirbyteMessage> {
  assertSupportedModes(catalog);
  const workDir = await mkdtemp(join(tmpdir(), 'destination-s3-'));
  const store = new ObjectStore(settings);
  const uploads = new UploadQueue(store, limits.uploadsInFlight);
  let duckdb: Promise<DuckDb> | undefined;
  const openDuckDbOnce = () => (duckdb ??= openDuckDb(workDir, ctx.limits));
  const format = outputFormat(settings.format, {
    duckdb: async () => (await openDuckDbOnce()).connection,
    maxFileBytes: limits.maxFileBytes,
  });
  // Parquet converts with DuckDB: it opens while the source reads the first chunk (a failure
  // surfaces at the first conversion).
  if (settings.format.type === 'parquet') void openDuckDbOnce().catch(() => undefined);
  // One timestamp names every file of this sync, as Airbyte's ${EPOCH} etc. do.
  const syncTime = new Date();
  const sinks = new Map<string, StreamSink>();
  const ledgers = `${ledgerRoot(settings.bucketPath)}${keySegment(ctx.writerId ?? 'default')}/`;
  catalog.streams.forEach((configured, i) => {
    const keys = new StreamObjectKeys(settings.keyTemplate, configured.stream, format.extension, syncTime, configured.sync_id);
    const label = `stream ${labelOf(configured.stream)}`;
    const ledger = new StreamLedger({
      store,
      dir: `${ledgers}${ledgerStreamId(configured.stream)}/`,
      generation: configured.generation_id,
      mode: configured.destination_sync_mode === 'overwrite' ? 'overwrite' : 'append',
      keys,
      label,
      log: ctx.log,
    });
    const sinkDir = join(workDir, `stream-${i}`);
    sinks.set(streamKey(configured.stream), new StreamSink(configured, keys, ledger, { store, uploads, format, limits, workDir: sinkDir, log: ctx.log }));
  });
  const sinkFor = (d: StreamDescriptor) => {
    const sink = sinks.get(streamKey(d));
    if (!sink) throw systemError(`received data for stream ${d.namespace ? `${d.namespace}.` : ''}${d.name}, which is not in the configured catalog`);
    return sink;
  };
  /** Keys of the streams that failed in this sync; their sinks take nothing more. */
  const failed = new Set<string>();
  /** ERROR traces of streams that failed here, yielded after the item that failed them. */
  const streamErrors: AirbyteMessage[] = [];
  /**
   * Runs a sink operation; a failure of that stream's data fails that stream only. A failed
   * upload, a cancel or a transient error (S3 unreachable) concerns every stream: it fails the write.
   */
  const forStream = async (sink: StreamSink, operation: () => Promise<void>) => {
    try {
      await operation();
    } catch (err) {
      const error = asConnectorError(err);
      if (uploads.hasFailed || ctx.signal?.aborted || error.failureType === 'transient_error') throw err;
      const { name, namespace } = sink.configured.stream;
      failed.add(streamKey(sink.configured.stream));
      ctx.log('ERROR', `${sink.label} failed, the other streams go on: ${error.message}`);
      streamErrors.push(errorTraceMessage(error.message, error.failureType, error.internalMessage, { name, namespace }));
    }
  };
  const isFailed = (d: StreamDescriptor) => failed.has(streamKey(d));
  /** Turns the buffered records of the covered streams into files queued for upload. */
  const flush = async (covered: StreamDescriptor | 'all') => {
    // A state of a stream outside the catalog flushes everything rather than failing the sync.
    const only = covered === 'all' ? undefined : sinks.get(streamKey(covered));
    for (const sink of only ? [only] : sinks.values()) {
      if (!isFailed(sink.configured.stream)) await forStream(sink, () => sink.flush());
    }
  };
  const writeItem = async (item: SourceOutput) => {
    switch (item.type) {
      case 'CSV_FILE_BATCH': {
        // The sink releases the chunk's file; for an unknown or failed stream nobody would.
        if (!sinks.has(streamKey(descriptorOf(item))) || isFailed(descriptorOf(item))) await item.release();
        const sink = sinkFor(descriptorOf(item));
        if (!isFailed(descriptorOf(item))) await forStream(sink, () => sink.writeCsvBatch(item));
        break;
      }
      case 'RECORD_BATCH': {
        const sink = sinkFor(descriptorOf(item));
        if (!isFailed(descriptorOf(item))) await forStream(sink, () => sink.writeRecords(item.records, item.emittedAt));
        break;
      }
      case 'RECORD': {
        const sink = sinkFor(descriptorOf(item.record));
        if (!isFailed(descriptorOf(item.record))) await forStream(sink, () => sink.writeRecords([item.record.data], item.record.emitted_at));
        break;
      }
      case 'STATE': {
        const covered = coveredStreams(item.state);
        await flush(covered);
        // Acknowledging it would commit a failed stream's position past data that never landed.
        if (covered === 'all' ? failed.size > 0 : isFailed(covered)) break;
        const coveredSinks = covered === 'all' ? [...sinks.values()] : [sinks.get(streamKey(covered))].filter((s) => s !== undefined);
        acks.add(item, coveredSinks.map((sink) => [sink, sink.filesAllocated] as const));
        break;
      }
      case 'TRACE': {
        // The source gave up on a stream: what it sent since its last STATE is dropped with the stream.
        const status = item.trace.stream_status;
        if (item.trace.type === 'STREAM_STATUS' && status?.status === 'INCOMPLETE') failed.add(streamKey(status.stream_descriptor));
        break;
      }
      default:
        // LOG messages of the source are the platform's business, not the destination's.
        break;
    }
  };
  const acks = new StateAcks<ReadonlyArray<readonly [StreamSink, number]>>(uploads);
  /** Checkpoints each ready STATE in the ledgers of the streams it covers, then hands it on. */
  async function* acknowledge(ready: ReadyState<ReadonlyArray<readonly [StreamSink, number]>>[]): AsyncGenerator<AirbyteMessage> {
    for (const { message, noted } of ready) {
      if (message.type !== 'STATE') continue;
      await Promise.all(noted.map(([sink, files]) => sink.checkpoint(stateFingerprint(message.state, sink.configured.stream)!, files)));
      yield message;
    }
  }
  const items = readAhead(input, undefined, format.readsPostgresTimestamps ? pullReadingPostgresTimestamps : undefined)[Symbol.asyncIterator]();
  let succeeded = false;

  try {
    assertStreamsSeparate([...sinks.values()]);
    // Before the source starts: what earlier attempts left is settled against the state this one resumes from.
    for (const sink of sinks.values()) await sink.prepare(resumePoint(ctx.resumeState, sink.configured.stream));
    for (;;) {
      const next = items.next();
      // Acknowledge states as their uploads finish, even while the source works on its next item.
      for (let ready = acks.whenNextReady(); ready; ready = acks.whenNextReady()) {
        // A failed `next` counts as arrived; awaiting it below throws the failure.
        const arrived = next.then(
          () => 'item' as const,
          () => 'item' as const,
        );
        if ((await Promise.race([arrived, ready.then(() => 'ack' as const)])) === 'item') break;
        yield* acknowledge(acks.takeReady());
      }
      let result: IteratorResult<SourceOutput>;
      try {
        result = await next;
      } catch (err) {
        // The source failed: still acknowledge what is already in S3, so a retry resumes from there.
        await uploads.barrier();
        if (!uploads.hasFailed) yield* acknowledge(acks.takeReady());
        throw err;
      }
      const { done, value } = result;
      if (done) break;
      await writeItem(value);
      yield* streamErrors.splice(0);
      yield* acknowledge(acks.takeReady());
      // Checked after the item is written, so a cancelled sync leaves no chunk unreleased.
      ctx.signal?.throwIfAborted();
    }
    await flush('all');
    yield* streamErrors.splice(0);
    await uploads.drain();
    yield* acknowledge(acks.takeReady());
    for (const sink of sinks.values()) await (isFailed(sink.configured.stream) ? sink.abandon() : sink.finish());
    succeeded = true;
  } finally {
    // Stops the source and frees any chunk fetched ahead, when the write ends early.
    await items.return(undefined);
    await uploads.barrier();
    if (!succeeded) await abandonAll(sinks.values(), ctx);
    // A DuckDB that failed to open has already failed the sync; do not mask that error here.
    await duckdb?.then((db) => db.close(), () => undefined);
    store.destroy();
    await rm(workDir, { recursive: true, force: true });
  }
}

/** Best effort (S3 may be what failed): whatever is left is removed by the next attempt's prepare. */
async function abandonAll(sinks: Iterable<StreamSink>, ctx: DestinationContext): Promise<void> {
  for (const sink of sinks) {
    try {
      await sink.abandon();
    } catch (err) {
      ctx.log('WARN', `${sink.label}: could not remove the files written after the last committed state (${(err as Error).message}); the next attempt removes them`);
    }
  }
}
