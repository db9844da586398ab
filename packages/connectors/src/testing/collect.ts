// Parses connector output into the pieces tests assert on (design example 11).
import type {
  AirbyteCatalog,
  AirbyteConnectionStatus,
  AirbyteErrorTraceMessage,
  AirbyteLogMessage,
  AirbyteMessage,
  AirbyteRecordMessage,
  AirbyteStateMessage,
  AirbyteTraceMessage,
  ConnectorSpecification,
} from '@platform/protocol';
import { streamKey } from '@platform/protocol';
import type { SourceOutput } from '../framework/batches';
import { toProtocolMessages } from '../framework/expand';

export interface CollectedOutput {
  /** Every message in order, batches expanded into RECORD messages. */
  messages: AirbyteMessage[];
  records: AirbyteRecordMessage[];
  states: AirbyteStateMessage[];
  lastState?: AirbyteStateMessage;
  /** ERROR traces. */
  errors: AirbyteErrorTraceMessage[];
  logs: AirbyteLogMessage[];
  /** All traces, errors included. */
  traces: AirbyteTraceMessage[];
  spec?: ConnectorSpecification;
  connectionStatus?: AirbyteConnectionStatus;
  catalog?: AirbyteCatalog;
}

export function summarizeMessages(messages: AirbyteMessage[]): CollectedOutput {
  const out: CollectedOutput = { messages, records: [], states: [], errors: [], logs: [], traces: [] };
  for (const m of messages) {
    switch (m.type) {
      case 'RECORD':
        out.records.push(m.record);
        break;
      case 'STATE':
        out.states.push(m.state);
        out.lastState = m.state;
        break;
      case 'LOG':
        out.logs.push(m.log);
        break;
      case 'TRACE':
        out.traces.push(m.trace);
        if (m.trace.type === 'ERROR' && m.trace.error) out.errors.push(m.trace.error);
        break;
      case 'SPEC':
        out.spec = m.spec;
        break;
      case 'CONNECTION_STATUS':
        out.connectionStatus = m.connectionStatus;
        break;
      case 'CATALOG':
        out.catalog = m.catalog;
        break;
    }
  }
  return out;
}

/**
 * Drains a source's (or destination's) output, expanding and releasing batches. A thrown error
 * is returned as `thrown` with everything emitted before it, so tests can assert on both.
 */
export async function collectOutput(items: AsyncIterable<SourceOutput> | Iterable<AirbyteMessage>): Promise<CollectedOutput & { thrown?: unknown }> {
  const messages: AirbyteMessage[] = [];
  const source = Symbol.asyncIterator in items ? items : (async function* () { yield* items as Iterable<AirbyteMessage>; })();
  try {
    for await (const m of toProtocolMessages(source)) messages.push(m);
  } catch (thrown) {
    return { ...summarizeMessages(messages), thrown };
  }
  return summarizeMessages(messages);
}

/** The last STATE of each stream (GLOBAL and LEGACY states kept as the last one seen): what a resumed read gets. */
export function latestStates(states: AirbyteStateMessage[]): AirbyteStateMessage[] {
  const byStream = new Map<string, AirbyteStateMessage>();
  for (const s of states) byStream.set(s.stream ? streamKey(s.stream.stream_descriptor) : `\u0001${s.type ?? 'LEGACY'}`, s);
  return [...byStream.values()];
}
