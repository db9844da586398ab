// The two connector interfaces. A connector is a plain object implementing one of them;
// it runs in-process (the worker calls it directly) or behind the CLI in ./cli.ts.
import type {
  AirbyteCatalog,
  AirbyteConnectionStatus,
  AirbyteMessage,
  AirbyteStateMessage,
  ConfiguredAirbyteCatalog,
  ConnectorSpecification,
  LogLevel,
} from '@platform/protocol';
import type { SourceOutput } from './batches';

export interface ConnectorContext {
  /** Structured log sink; in a CLI it becomes LOG messages on stdout. */
  log(level: LogLevel, message: string): void;
  /** Aborted when the job is cancelled; long reads and writes must stop promptly. */
  signal?: AbortSignal;
}

export interface Source<C = Record<string, unknown>> {
  readonly kind: 'source';
  /** Docker-image-like name, e.g. "source-postgres". */
  readonly name: string;
  spec(): ConnectorSpecification;
  /** Returns FAILED with a message naming the cause; never throws for a bad config. */
  check(config: C, ctx: ConnectorContext): Promise<AirbyteConnectionStatus>;
  discover(config: C, ctx: ConnectorContext): Promise<AirbyteCatalog>;
  /**
   * Streams data for the configured catalog. `state` is the list of the last committed
   * STATE messages (per stream or one global). Throws ConnectorError on failure.
   */
  read(config: C, catalog: ConfiguredAirbyteCatalog, state: AirbyteStateMessage[] | undefined, ctx: ConnectorContext): AsyncIterable<SourceOutput>;
}

export interface Destination<C = Record<string, unknown>> {
  readonly kind: 'destination';
  readonly name: string;
  spec(): ConnectorSpecification;
  check(config: C, ctx: ConnectorContext): Promise<AirbyteConnectionStatus>;
  /**
   * Consumes the source's output and yields each STATE message only after every record
   * before it is durably committed. May also yield LOG and TRACE messages.
   */
  write(config: C, catalog: ConfiguredAirbyteCatalog, input: AsyncIterable<SourceOutput>, ctx: ConnectorContext): AsyncIterable<AirbyteMessage>;
}

export type Connector = Source<any> | Destination<any>;
