// source.read piped in-process into destination.write, as the worker's replication child runs
// them, consumed until the destination has acknowledged every STATE it commits.
import type { ConnectorLimits, Destination, Source } from '@platform/connectors';
import type { AirbyteStateMessage, ConfiguredAirbyteCatalog } from '@platform/protocol';
import { benchConnectorContext } from './connector-setup';

export interface ConnectorsInput {
  sourceConfig: Record<string, unknown>;
  destinationConfig: Record<string, unknown>;
  catalog: ConfiguredAirbyteCatalog;
  /** Each connector's memory, as the worker gives it in their contexts. */
  limits?: { source?: ConnectorLimits; destination?: ConnectorLimits };
  /** The state the previous sync's destination acknowledged (incremental and CDC syncs). */
  state?: AirbyteStateMessage[];
}

export interface ConnectorsOutput {
  /** STATE messages the destination acknowledged (one per committed chunk). */
  committedStates: number;
  /** The last of them: what the platform saves for the next sync. */
  lastState?: AirbyteStateMessage;
}

export async function pipeConnectors(source: Source, destination: Destination, input: ConnectorsInput): Promise<ConnectorsOutput> {
  const records = source.read(input.sourceConfig, input.catalog, input.state, { ...benchConnectorContext, limits: input.limits?.source });
  const ctx = { ...benchConnectorContext, limits: input.limits?.destination, ...(input.state ? { resumeState: input.state } : {}) };
  let committedStates = 0;
  let lastState: AirbyteStateMessage | undefined;
  for await (const message of destination.write(input.destinationConfig, input.catalog, records, ctx)) {
    if (message.type === 'STATE') {
      committedStates++;
      lastState = message.state;
    }
    if (message.type === 'TRACE' && message.trace.type === 'ERROR') throw new Error(`connector error: ${message.trace.error?.message}`);
  }
  return { committedStates, lastState };
}
