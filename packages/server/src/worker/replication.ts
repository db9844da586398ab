// One attempt's data movement, in-process: read stage (source.read, counting, namespace
// mapping) → destination.write → checkpoint stage (acknowledged STATE reported), with no
// serialization between them. Failures are reported with the stage that raised them; a
// stream that failed alone is reported with its descriptor, after the others committed.
import { scrubText, secretValues, validateConnectorConfig, type ConnectorContext, type Destination, type Source } from '@platform/connectors';
import type { LogLevel, StreamDescriptor } from '@platform/protocol';
import { checkpoint } from './checkpoint-stage';
import type { AttemptFailure, ChildReport, LogOrigin, ReplicationInput } from './child-protocol';
import { StreamMapper } from './namespace-mapping';
import { guard, withOrigin, type OriginError } from './origin-error';
import { ReadStage } from './read-stage';
import { StreamFailures } from './stream-failures';
import { SyncStats } from './sync-stats';

export interface ReplicationConnectors {
  // Configs are validated against each connector's own spec, so any config type fits.
  source?: Source<any>;
  destination: Destination<any>;
}

export interface ReplicationOptions {
  report(r: ChildReport): void;
  signal: AbortSignal;
}

const PROGRESS_INTERVAL_MS = 1000;

/** Runs the replication; reports everything through `report` and never throws. */
export async function runReplication(input: ReplicationInput, connectors: ReplicationConnectors, options: ReplicationOptions): Promise<'succeeded' | 'failed'> {
  const { report, signal } = options;
  const stats = new SyncStats(input.streams.map((m) => m.source));
  const secrets = [
    // A declarative source's manifest declares its own secret fields (secretSchema).
    ...(connectors.source && input.source ? secretValues(connectors.source.secretSchema?.(input.source.config) ?? connectors.source.spec().connectionSpecification, input.source.config) : []),
    ...secretValues(connectors.destination.spec().connectionSpecification, input.destination.config),
  ];
  const log = (origin: LogOrigin, level: LogLevel, message: string) => report({ type: 'log', at: Date.now(), level, origin, message: scrubText(message, secrets) });
  const ctx = (origin: 'source' | 'destination'): ConnectorContext => ({ log: (level, message) => log(origin, level, message), signal, limits: input.limits?.[origin] });
  const progress = setInterval(() => report({ type: 'progress', stats: stats.snapshot() }), PROGRESS_INTERVAL_MS);
  const streamFailures = new StreamFailures();

  try {
    const mapper = guard('replication', () => new StreamMapper(input.streams));
    const destinationConfig = guard('destination', () => validateConnectorConfig<Record<string, unknown>>(connectors.destination, input.destination.config));
    const read = new ReadStage({ mapper, stats, log, ctx: ctx('source'), streamFailures });
    const sourceOutput = connectors.source && input.source ? read.run(connectors.source, input.source.config, input.catalog, input.state) : (async function* () {})();
    log('replication', 'INFO', `writing ${input.catalog.streams.length} stream(s) with ${connectors.destination.name}${connectors.source ? ` from ${connectors.source.name}` : ' (reset: no records)'}`);

    try {
      // The destination learns where the source resumes, so it keeps exactly what that state covers.
      const resumeState = (input.state ?? []).map((s) => mapper.stateToDestination(s));
      const writeCtx = { ...ctx('destination'), resumeState, writerId: input.connectionId };
      for await (const message of connectors.destination.write(destinationConfig, mapper.destinationCatalog(input.catalog), sourceOutput, writeCtx)) {
        checkpoint(message, { mapper, stats, report, log, streamFailures });
      }
    } catch (err) {
      throw read.failure ?? withOrigin('destination', err);
    }
    if (read.failure) throw read.failure;
    const failed = (stream: StreamDescriptor) => streamFailures.has(stream);
    stats.allCommitted(failed);
    if (streamFailures.size > 0) {
      for (const { stream, failure } of streamFailures.list()) log('replication', 'ERROR', `stream ${describe(stream)} failed (${failure.origin}); the other streams were committed`);
      report({
        type: 'failed',
        failures: streamFailures.list().map(({ stream, failure }) => ({ ...toFailure(failure, secrets), streamDescriptor: stream })),
        completedStreams: input.catalog.streams.map((s) => ({ name: s.stream.name, namespace: s.stream.namespace ?? null })).filter((s) => !failed(s)),
        stats: stats.snapshot(),
      });
      return 'failed';
    }
    report({ type: 'succeeded', stats: stats.snapshot() });
    return 'succeeded';
  } catch (err) {
    report({ type: 'failed', failures: [toFailure(withOrigin('replication', err), secrets)], completedStreams: [], stats: stats.snapshot() });
    return 'failed';
  } finally {
    clearInterval(progress);
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

function describe(d: StreamDescriptor): string {
  return d.namespace ? `${d.namespace}.${d.name}` : d.name;
}
