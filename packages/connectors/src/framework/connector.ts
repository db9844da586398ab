// The two connector interfaces. A connector is a plain object implementing one of them;
// it runs in-process (the worker calls it directly) or behind the CLI in ./cli.ts.
import type {
  AirbyteCatalog,
  AirbyteConnectionStatus,
  AirbyteMessage,
  AirbyteStateMessage,
  ConfiguredAirbyteCatalog,
  ConnectorSpecification,
  JsonSchema,
  LogLevel,
} from '@platform/protocol';
import type { SourceOutput } from './batches';

export interface ConnectorContext {
  /** Structured log sink; in a CLI it becomes LOG messages on stdout. */
  log(level: LogLevel, message: string): void;
  /** Aborted when the job is cancelled; long reads and writes must stop promptly. */
  signal?: AbortSignal;
  /** What the platform gives this connector (its role's or connection's memory_limit); each connector sizes its own buffers from it. */
  limits?: ConnectorLimits;
}

export interface ConnectorLimits {
  /** The connector's share of its process's memory, in MiB. */
  memoryMiB: number;
}

export interface DestinationContext extends ConnectorContext {
  /**
   * The state the source resumes from, as the platform committed it, under the destination's
   * stream names ([] = from the start). A destination that keeps what an earlier attempt of
   * the same generation committed (overwrite resumed after a retry) keeps exactly what this
   * state covers. Absent when the caller does not say (a CLI run): it then keeps everything
   * it checkpointed, which may re-deliver rows but never drops them.
   */
  resumeState?: AirbyteStateMessage[];
  /**
   * Who writes (the platform passes the connection id): bookkeeping a destination leaves
   * between attempts is kept per writer, so two connections writing the same stream never
   * sweep each other's files.
   */
  writerId?: string;
}

/** A field of a config that breaks a rule: its path inside the config (`s3_path_format`, `format.compression_codec`). */
export interface ConfigProblem {
  path: string;
  message: string;
}

/** Both connector kinds may add rules to their spec's JSON Schema. */
interface ConfigRules<C> {
  /**
   * Rules the JSON Schema cannot express, for a config that already matches the spec
   * (defaults applied). The server refuses a config with problems on create, update and
   * check; the CLI and the worker refuse it as a config_error (validateConnectorConfig).
   */
  validate?(config: C): ConfigProblem[];
  /**
   * The schema whose `airbyte_secret` fields are secret in this config, when the config itself
   * declares more than the spec (a declarative manifest carries its own spec). Default: the spec's.
   */
  secretSchema?(config: C): JsonSchema;
}

export interface Source<C = Record<string, unknown>> extends ConfigRules<C> {
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

export interface Destination<C = Record<string, unknown>> extends ConfigRules<C> {
  readonly kind: 'destination';
  readonly name: string;
  spec(): ConnectorSpecification;
  check(config: C, ctx: ConnectorContext): Promise<AirbyteConnectionStatus>;
  /**
   * Consumes the source's output and yields each STATE message only after every record
   * before it is durably committed. May also yield LOG and TRACE messages.
   */
  write(config: C, catalog: ConfiguredAirbyteCatalog, input: AsyncIterable<SourceOutput>, ctx: DestinationContext): AsyncIterable<AirbyteMessage>;
}

export type Connector = Source<any> | Destination<any>;
