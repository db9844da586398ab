// One attempt's data movement, in-process: source.read → namespace mapping and counting →
// destination.write, with no serialization between them. Only STATEs the destination yields
// (after committing) are reported; a source failure is rethrown INTO the destination so it
// aborts instead of committing a partial overwrite.
import {
  ConnectorError,
  asConnectorError,
  scrubText,
  secretValues,
  validateConfig,
  type ConnectorContext,
  type Destination,
  type Source,
  type SourceOutput,
} from '@platform/connectors';
import type { AirbyteErrorTraceMessage, AirbyteMessage, LogLevel } from '@platform/protocol';
import type { AttemptFailure, ChildReport, FailureOrigin, LogOrigin, ReplicationInput } from './child-protocol';
import { StreamMapper } from './namespace-mapping';
import { SyncStats } from './sync-stats';

export interface ReplicationConnectors {
  // Configs are validated against each connector's own spec, so any config type fits.
  source?: Source<any>;
  destination: Destination<any>;
}

export interface ReplicationOptions {
  report(r: ChildReport): void;
  signal: AbortSignal;
  progressIntervalMs?: number;
}

const jsonBytes = (value: unknown) => Buffer.byteLength(JSON.stringify(value));

/** Failure raised at a known origin, so the catch-all below can tell who failed. */
class OriginError extends Error {
  constructor(
    readonly origin: FailureOrigin,
    readonly error: ConnectorError,
  ) {
    super(error.message);
  }
}

function traceError(origin: FailureOrigin, trace: AirbyteErrorTraceMessage): OriginError {
  return new OriginError(origin, new ConnectorError(trace.message, trace.failure_type ?? 'system_error', trace.internal_message));
}

/** Runs the replication; reports everything through `report` and never throws. */
export async function runReplication(input: ReplicationInput, connectors: ReplicationConnectors, options: ReplicationOptions): Promise<'succeeded' | 'failed'> {
  const { report, signal } = options;
  const stats = new SyncStats(input.streams.map((m) => m.source));
  const secrets = [
    ...(connectors.source && input.source ? secretValues(connectors.source.spec().connectionSpecification, input.source.config) : []),
    ...secretValues(connectors.destination.spec().connectionSpecification, input.destination.config),
  ];
  const log = (origin: LogOrigin, level: LogLevel, message: string) => report({ type: 'log', at: Date.now(), level, origin, message: scrubText(message, secrets) });
  const ctx = (origin: LogOrigin): ConnectorContext => ({ log: (level, message) => log(origin, level, message), signal });
  const progress = setInterval(() => report({ type: 'progress', stats: stats.snapshot() }), options.progressIntervalMs ?? 1000);

  try {
    const mapper = guard('replication', () => new StreamMapper(input.streams));
    const destinationConfig = guard('destination', () => validateConfig<Record<string, unknown>>(connectors.destination.spec(), input.destination.config));
    const destinationCatalog = mapper.destinationCatalog(input.catalog);
    log('replication', 'INFO', `writing ${input.catalog.streams.length} stream(s) with ${connectors.destination.name}${connectors.source ? ` from ${connectors.source.name}` : ' (reset: no records)'}`);

    // Set when the source fails, because the destination may swallow the rethrown error.
    let sourceFailure: OriginError | undefined;
    async function* sourceOutput(): AsyncGenerator<SourceOutput> {
      if (!connectors.source || !input.source) return;
      try {
        const sourceConfig = guard('source', () => validateConfig<Record<string, unknown>>(connectors.source!.spec(), input.source!.config));
        for await (const item of connectors.source.read(sourceConfig, input.catalog, input.state, ctx('source'))) {
          const forward = routeSourceItem(item);
          if (forward) yield forward;
        }
      } catch (err) {
        sourceFailure = err instanceof OriginError ? err : new OriginError('source', asConnectorError(err));
        throw sourceFailure;
      }
    }

    function routeSourceItem(item: SourceOutput): SourceOutput | undefined {
      switch (item.type) {
        case 'RECORD_BATCH':
          stats.emitted({ name: item.stream, namespace: item.namespace }, item.records.length, jsonBytes(item.records));
          return retarget(item);
        case 'CSV_FILE_BATCH':
          stats.emitted({ name: item.stream, namespace: item.namespace }, item.rowCount, item.byteCount);
          return retarget(item);
        case 'RECORD':
          stats.emitted({ name: item.record.stream, namespace: item.record.namespace }, 1, jsonBytes(item.record.data));
          retarget(item.record);
          return item;
        case 'STATE': {
          const state = mapper.stateToDestination(item.state);
          stats.stateSent(state);
          return { type: 'STATE', state };
        }
        case 'LOG':
          log('source', item.log.level, item.log.message);
          return undefined;
        case 'TRACE':
          if (item.trace.type === 'ERROR' && item.trace.error) throw traceError('source', item.trace.error);
          if (item.trace.type === 'STREAM_STATUS' && item.trace.stream_status) {
            const status = item.trace.stream_status;
            return { type: 'TRACE', trace: { ...item.trace, stream_status: { ...status, stream_descriptor: mapper.toDestination(status.stream_descriptor) } } };
          }
          return undefined;
        default:
          log('replication', 'WARN', `ignored a ${item.type} message from the source`);
          return undefined;
      }
    }

    /** Rewrites a record or batch in place to its destination stream (batches are ours to change). */
    function retarget<T extends { stream: string; namespace?: string | null }>(item: T): T {
      const d = mapper.toDestination({ name: item.stream, namespace: item.namespace });
      item.stream = d.name;
      item.namespace = d.namespace;
      return item;
    }

    try {
      for await (const message of connectors.destination.write(destinationConfig, destinationCatalog, sourceOutput(), ctx('destination'))) {
        handleDestinationMessage(message);
      }
    } catch (err) {
      throw sourceFailure ?? (err instanceof OriginError ? err : new OriginError('destination', asConnectorError(err)));
    }
    if (sourceFailure) throw sourceFailure;
    stats.allCommitted();
    report({ type: 'succeeded', stats: stats.snapshot() });
    return 'succeeded';

    function handleDestinationMessage(message: AirbyteMessage): void {
      if (message.type === 'STATE') {
        stats.stateAcknowledged(message.state);
        report({ type: 'state', state: mapper.stateToSource(message.state), stats: stats.snapshot() });
      } else if (message.type === 'LOG') {
        log('destination', message.log.level, message.log.message);
      } else if (message.type === 'TRACE' && message.trace.type === 'ERROR' && message.trace.error) {
        throw traceError('destination', message.trace.error);
      }
    }
  } catch (err) {
    const failure = toFailure(err instanceof OriginError ? err : new OriginError('replication', asConnectorError(err)), secrets);
    report({ type: 'failed', failure, stats: stats.snapshot() });
    return 'failed';
  } finally {
    clearInterval(progress);
  }
}

function guard<T>(origin: FailureOrigin, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    throw new OriginError(origin, asConnectorError(err));
  }
}

function toFailure({ origin, error }: OriginError, secrets: string[]): AttemptFailure {
  const scrub = (s: string | undefined) => (s === undefined ? undefined : scrubText(s, secrets));
  return {
    failureOrigin: origin,
    failureType: error.failureType,
    externalMessage: scrub(error.message)!,
    internalMessage: scrub(error.internalMessage),
    stacktrace: scrub(error.stack),
    timestamp: Date.now(),
  };
}
