// Airbyte Protocol v0 message and catalog types, as connectors exchange them on stdout/stdin.
// Field names follow the protocol's JSON exactly (snake_case where the protocol uses it).

export type JsonSchema = Record<string, unknown>;

export type SyncMode = 'full_refresh' | 'incremental';
export type DestinationSyncMode = 'overwrite' | 'append' | 'append_dedup';
export type FailureType = 'system_error' | 'config_error' | 'transient_error';

export interface StreamDescriptor {
  name: string;
  namespace?: string | null;
}

export type RecordChangeReason =
  | 'SOURCE_RECORD_SIZE_LIMITATION'
  | 'DESTINATION_RECORD_SIZE_LIMITATION'
  | 'PLATFORM_RECORD_SIZE_LIMITATION'
  | 'SOURCE_FIELD_SIZE_LIMITATION'
  | 'DESTINATION_FIELD_SIZE_LIMITATION'
  | 'PLATFORM_FIELD_SIZE_LIMITATION'
  | 'SOURCE_SERIALIZATION_ERROR'
  | 'DESTINATION_SERIALIZATION_ERROR'
  | 'PLATFORM_SERIALIZATION_ERROR'
  | 'SOURCE_RETRIEVAL_ERROR'
  | 'DESTINATION_TYPECAST_ERROR';

export interface AirbyteRecordMessageMetaChange {
  field: string;
  change: 'NULLED' | 'TRUNCATED';
  reason: RecordChangeReason;
}

export interface AirbyteRecordMessage {
  namespace?: string | null;
  stream: string;
  data: Record<string, unknown>;
  /** Epoch milliseconds. */
  emitted_at: number;
  meta?: { changes?: AirbyteRecordMessageMetaChange[] };
}

export interface AirbyteStreamState {
  stream_descriptor: StreamDescriptor;
  stream_state?: Record<string, unknown> | null;
}

export interface AirbyteGlobalState {
  shared_state?: Record<string, unknown> | null;
  stream_states: AirbyteStreamState[];
}

export type AirbyteStateType = 'STREAM' | 'GLOBAL' | 'LEGACY';

export interface AirbyteStateStats {
  recordCount?: number;
}

export interface AirbyteStateMessage {
  type?: AirbyteStateType;
  stream?: AirbyteStreamState;
  global?: AirbyteGlobalState;
  /** LEGACY state blob. */
  data?: Record<string, unknown>;
  sourceStats?: AirbyteStateStats;
  destinationStats?: AirbyteStateStats;
}

export type LogLevel = 'FATAL' | 'ERROR' | 'WARN' | 'INFO' | 'DEBUG' | 'TRACE';

export interface AirbyteLogMessage {
  level: LogLevel;
  message: string;
  stack_trace?: string;
}

export interface ConnectorSpecification {
  protocol_version?: string;
  documentationUrl?: string;
  changelogUrl?: string;
  connectionSpecification: JsonSchema;
  supportsIncremental?: boolean;
  supportsNormalization?: boolean;
  supportsDBT?: boolean;
  supported_destination_sync_modes?: DestinationSyncMode[];
}

export interface AirbyteConnectionStatus {
  status: 'SUCCEEDED' | 'FAILED';
  message?: string;
}

export interface AirbyteStream {
  name: string;
  json_schema: JsonSchema;
  supported_sync_modes: SyncMode[];
  source_defined_cursor?: boolean;
  default_cursor_field?: string[];
  source_defined_primary_key?: string[][];
  namespace?: string | null;
  is_resumable?: boolean;
}

export interface AirbyteCatalog {
  streams: AirbyteStream[];
}

export interface ConfiguredAirbyteStream {
  stream: AirbyteStream;
  sync_mode: SyncMode;
  cursor_field?: string[];
  destination_sync_mode: DestinationSyncMode;
  primary_key?: string[][];
  generation_id?: number;
  minimum_generation_id?: number;
  sync_id?: number;
}

export interface ConfiguredAirbyteCatalog {
  streams: ConfiguredAirbyteStream[];
}

export interface AirbyteErrorTraceMessage {
  message: string;
  internal_message?: string;
  stack_trace?: string;
  failure_type?: FailureType;
  stream_descriptor?: StreamDescriptor;
}

export interface AirbyteEstimateTraceMessage {
  name: string;
  namespace?: string | null;
  type: 'STREAM' | 'SYNC';
  row_estimate?: number;
  byte_estimate?: number;
}

export type StreamStatus = 'STARTED' | 'RUNNING' | 'COMPLETE' | 'INCOMPLETE';

export interface AirbyteStreamStatusTraceMessage {
  stream_descriptor: StreamDescriptor;
  status: StreamStatus;
  reasons?: Array<{ type: string; [k: string]: unknown }>;
}

export type TraceType = 'ERROR' | 'ESTIMATE' | 'STREAM_STATUS' | 'ANALYTICS';

export interface AirbyteTraceMessage {
  type: TraceType;
  /** Epoch milliseconds. */
  emitted_at: number;
  error?: AirbyteErrorTraceMessage;
  estimate?: AirbyteEstimateTraceMessage;
  stream_status?: AirbyteStreamStatusTraceMessage;
  analytics?: { type: string; value?: string };
}

export interface AirbyteControlMessage {
  type: 'CONNECTOR_CONFIG';
  emitted_at: number;
  connectorConfig: { config: Record<string, unknown> };
}

export type AirbyteMessage =
  | { type: 'RECORD'; record: AirbyteRecordMessage }
  | { type: 'STATE'; state: AirbyteStateMessage }
  | { type: 'LOG'; log: AirbyteLogMessage }
  | { type: 'SPEC'; spec: ConnectorSpecification }
  | { type: 'CONNECTION_STATUS'; connectionStatus: AirbyteConnectionStatus }
  | { type: 'CATALOG'; catalog: AirbyteCatalog }
  | { type: 'TRACE'; trace: AirbyteTraceMessage }
  | { type: 'CONTROL'; control: AirbyteControlMessage };

export type AirbyteMessageType = AirbyteMessage['type'];

/** Which payload field each message type must carry. */
export const MESSAGE_PAYLOAD_FIELD: Readonly<Record<AirbyteMessageType, string>> = {
  RECORD: 'record',
  STATE: 'state',
  LOG: 'log',
  SPEC: 'spec',
  CONNECTION_STATUS: 'connectionStatus',
  CATALOG: 'catalog',
  TRACE: 'trace',
  CONTROL: 'control',
};

export const SYNC_MODES: readonly SyncMode[] = ['full_refresh', 'incremental'];
export const DESTINATION_SYNC_MODES: readonly DestinationSyncMode[] = ['overwrite', 'append', 'append_dedup'];
