// The read stage: the source's output on its way to the destination. Counts what the
// source emits, rewrites records, batches and STATE to the destination's stream names,
// turns the source's LOG and ERROR trace messages into log lines and failures. An ERROR
// naming a stream fails that stream only: the destination hears it as STREAM_STATUS
// INCOMPLETE, and the source's closing StreamsFailedError ends the read like a success.
import { StreamsFailedError, validateConnectorConfig, type ConnectorContext, type Source, type SourceOutput } from '@platform/connectors';
import { streamStatusMessage, type AirbyteStateMessage, type ConfiguredAirbyteCatalog, type LogLevel } from '@platform/protocol';
import type { LogOrigin } from './child-protocol';
import type { StreamMapper } from './namespace-mapping';
import { guard, OriginError, traceError, withOrigin } from './origin-error';
import type { StreamFailures } from './stream-failures';
import type { SyncStats } from './sync-stats';

export interface ReadStageDeps {
  mapper: StreamMapper;
  stats: SyncStats;
  log(origin: LogOrigin, level: LogLevel, message: string): void;
  ctx: ConnectorContext;
  streamFailures: StreamFailures;
}

const jsonBytes = (value: unknown) => Buffer.byteLength(JSON.stringify(value));

export class ReadStage {
  /** Set when the source fails: the destination may swallow the error rethrown into it. */
  failure?: OriginError;

  constructor(private readonly deps: ReadStageDeps) {}

  async *run(source: Source<any>, rawConfig: Record<string, unknown>, catalog: ConfiguredAirbyteCatalog, state: AirbyteStateMessage[] | undefined): AsyncGenerator<SourceOutput> {
    try {
      const config = guard('source', () => validateConnectorConfig<Record<string, unknown>>(source, rawConfig));
      for await (const item of source.read(config, catalog, state, this.deps.ctx)) {
        const forward = this.route(item);
        if (forward) yield forward;
      }
    } catch (err) {
      // The other streams were read to the end: the destination commits them.
      if (err instanceof StreamsFailedError) {
        for (const { stream, error } of err.failures) this.deps.streamFailures.add(stream, new OriginError('source', error));
        return;
      }
      // Rethrown into the destination, so it aborts instead of committing a partial overwrite.
      this.failure = withOrigin('source', err);
      throw this.failure;
    }
  }

  private route(item: SourceOutput): SourceOutput | undefined {
    const { stats, mapper, log } = this.deps;
    switch (item.type) {
      case 'RECORD_BATCH':
        stats.emitted({ name: item.stream, namespace: item.namespace }, item.records.length, jsonBytes(item.records));
        return this.retarget(item);
      case 'CSV_FILE_BATCH':
        stats.emitted({ name: item.stream, namespace: item.namespace }, item.rowCount, item.byteCount);
        return this.retarget(item);
      case 'RECORD':
        stats.emitted({ name: item.record.stream, namespace: item.record.namespace }, 1, jsonBytes(item.record.data));
        this.retarget(item.record);
        return item;
      case 'STATE': {
        const state = mapper.stateToDestination(item.state);
        stats.stateSent(state, item.state.stream?.stream_descriptor ?? 'all');
        return { type: 'STATE', state };
      }
      case 'LOG':
        log('source', item.log.level, item.log.message);
        return undefined;
      case 'TRACE': {
        const { error, stream_status: status } = item.trace;
        if (item.trace.type === 'ERROR' && error) {
          if (!error.stream_descriptor) throw traceError('source', error);
          this.deps.streamFailures.add(error.stream_descriptor, traceError('source', error));
          return streamStatusMessage(mapper.toDestination(error.stream_descriptor), 'INCOMPLETE');
        }
        if (item.trace.type === 'STREAM_STATUS' && status) {
          return { type: 'TRACE', trace: { ...item.trace, stream_status: { ...status, stream_descriptor: mapper.toDestination(status.stream_descriptor) } } };
        }
        return undefined;
      }
      default:
        log('replication', 'WARN', `ignored a ${item.type} message from the source`);
        return undefined;
    }
  }

  /** Rewrites a record or batch in place to its destination stream (batches are ours to change). */
  private retarget<T extends { stream: string; namespace?: string | null }>(item: T): T {
    const d = this.deps.mapper.toDestination({ name: item.stream, namespace: item.namespace });
    item.stream = d.name;
    item.namespace = d.namespace;
    return item;
  }
}
