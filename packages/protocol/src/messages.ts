// Small constructors so connectors never hand-build message envelopes.
import type {
  AirbyteMessage,
  AirbyteRecordMessage,
  AirbyteStateMessage,
  FailureType,
  LogLevel,
  StreamDescriptor,
  StreamStatus,
} from './types';

export function recordMessage(stream: string, data: Record<string, unknown>, namespace?: string | null, emittedAt = Date.now()): AirbyteMessage {
  const record: AirbyteRecordMessage = { stream, data, emitted_at: emittedAt };
  if (namespace != null) record.namespace = namespace;
  return { type: 'RECORD', record };
}

export function stateMessage(state: AirbyteStateMessage): AirbyteMessage {
  return { type: 'STATE', state };
}

export function streamStateMessage(descriptor: StreamDescriptor, streamState: Record<string, unknown>, recordCount?: number): AirbyteMessage {
  const state: AirbyteStateMessage = { type: 'STREAM', stream: { stream_descriptor: descriptor, stream_state: streamState } };
  if (recordCount !== undefined) state.sourceStats = { recordCount };
  return { type: 'STATE', state };
}

export function logMessage(level: LogLevel, message: string): AirbyteMessage {
  return { type: 'LOG', log: { level, message } };
}

export function errorTraceMessage(
  message: string,
  failureType: FailureType,
  internalMessage?: string,
  streamDescriptor?: StreamDescriptor,
): AirbyteMessage {
  return {
    type: 'TRACE',
    trace: {
      type: 'ERROR',
      emitted_at: Date.now(),
      error: {
        message,
        failure_type: failureType,
        ...(internalMessage ? { internal_message: internalMessage } : {}),
        ...(streamDescriptor ? { stream_descriptor: streamDescriptor } : {}),
      },
    },
  };
}

export function streamStatusMessage(descriptor: StreamDescriptor, status: StreamStatus): AirbyteMessage {
  return { type: 'TRACE', trace: { type: 'STREAM_STATUS', emitted_at: Date.now(), stream_status: { stream_descriptor: descriptor, status } } };
}

export function estimateMessage(descriptor: StreamDescriptor, rowEstimate?: number, byteEstimate?: number): AirbyteMessage {
  return {
    type: 'TRACE',
    trace: {
      type: 'ESTIMATE',
      emitted_at: Date.now(),
      estimate: { name: descriptor.name, namespace: descriptor.namespace ?? null, type: 'STREAM', row_estimate: rowEstimate, byte_estimate: byteEstimate },
    },
  };
}

/** Key used to match states, records and catalog streams: "namespace.name" (namespace may be empty). */
export function streamKey(d: StreamDescriptor): string {
  return `${d.namespace ?? ''}\u0000${d.name}`;
}
