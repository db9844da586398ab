// What the worker and its replication child say to each other. The parent writes one
// ReplicationInput line on the child's stdin and keeps stdin open (its end tells the child
// the parent is gone); the child answers with ChildReport JSON lines on stdout.
import type { ConnectorLimits, ExternalCommand } from '@platform/connectors';
import type { AirbyteStateMessage, ConfiguredAirbyteCatalog, ConnectorSpecification, LogLevel, StreamDescriptor } from '@platform/protocol';
import type { StreamMapping } from './namespace-mapping';
import type { AttemptFailureType } from './retry-policy';
import type { StatsSnapshot } from './sync-stats';

/** Set in a child spawned ahead of time: it loads every connector while it waits for its input. */
export const PRELOAD_VARIABLE = 'REPLICATION_PRELOAD';

export interface ConnectorInvocation {
  /** Registry name, e.g. "source-postgres". */
  connector: string;
  config: Record<string, unknown>;
  /** A custom definition's program (create_custom): the child runs it as an external connector. */
  external?: { command: ExternalCommand; spec: ConnectorSpecification };
}

export interface ReplicationInput {
  /** Absent for a reset: the destination then overwrites the streams with nothing. */
  source?: ConnectorInvocation;
  destination: ConnectorInvocation;
  /** Selected streams under the SOURCE's names; the child maps them for the destination. */
  catalog: ConfiguredAirbyteCatalog;
  state?: AirbyteStateMessage[];
  streams: StreamMapping[];
  /** The destination keeps its between-attempt bookkeeping per connection (DestinationContext.writerId). */
  connectionId?: string;
  /** Each connector's share of the child's memory, passed in its context (ConnectorContext.limits). */
  limits?: { source?: ConnectorLimits; destination?: ConnectorLimits };
  /** The attempt's own directory: the child's TMPDIR, where every spill file of its connectors goes. */
  tmpDir: string;
}

/** The child reports source, destination or replication; the worker adds its own two. */
export type FailureOrigin = 'source' | 'destination' | 'replication' | 'persistence' | 'airbyte_platform';

/** Airbyte's FailureReason, as the API returns it inside an attempt's failureSummary. */
export interface AttemptFailure {
  failureOrigin: FailureOrigin;
  failureType: AttemptFailureType;
  externalMessage: string;
  internalMessage?: string;
  stacktrace?: string;
  timestamp: number;
  /** The stream that failed alone (source names); absent when the whole attempt failed. */
  streamDescriptor?: StreamDescriptor;
}

export type LogOrigin = 'source' | 'destination' | 'replication' | 'worker';

export type ChildReport =
  | { type: 'log'; at: number; level: LogLevel; origin: LogOrigin; message: string }
  /** A STATE the destination acknowledged after committing, under source names. */
  | { type: 'state'; state: AirbyteStateMessage; stats: StatsSnapshot }
  | { type: 'progress'; stats: StatsSnapshot }
  | { type: 'succeeded'; stats: StatsSnapshot }
  /**
   * Either one failure of the whole attempt, or one per stream that failed alone; then the
   * other streams were committed completely and are listed in `completedStreams` (source names).
   */
  | { type: 'failed'; failures: AttemptFailure[]; completedStreams: StreamDescriptor[]; stats: StatsSnapshot };

/** One attempt log line, e.g. `2025-01-01T10:00:00.000Z INFO [source] read 1000 rows`. */
export function formatLogLine(at: number, level: LogLevel, origin: LogOrigin, message: string): string {
  return `${new Date(at).toISOString()} ${level} [${origin}] ${message}`;
}

/** Parses one stdout line of the child; anything else a library printed comes back as null. */
export function parseChildReport(line: string): ChildReport | null {
  if (!line.startsWith('{')) return null;
  try {
    const value = JSON.parse(line) as ChildReport;
    return typeof value?.type === 'string' ? value : null;
  } catch {
    return null;
  }
}
