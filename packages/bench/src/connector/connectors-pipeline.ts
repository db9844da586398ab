// The connectors under test: sourcePostgres.read piped in-process into destinationS3.write,
// consumed until the destination has committed everything. Runs in a child process.
import type { ConnectorLimits } from '@platform/connectors';
import type { ConfiguredAirbyteCatalog } from '@platform/protocol';
import { benchConnectorContext, loadDestination, loadSource } from './connector-setup';

export interface ConnectorsInput {
  sourceConfig: Record<string, unknown>;
  destinationConfig: Record<string, unknown>;
  catalog: ConfiguredAirbyteCatalog;
  /** Each connector's memory, as the worker gives it in their contexts. */
  limits?: { source?: ConnectorLimits; destination?: ConnectorLimits };
}

export interface ConnectorsOutput {
  /** STATE messages the destination acknowledged (one per committed chunk). */
  committedStates: number;
}

// Loaded at import, before the child starts its clock: module loading is not pipeline time.
const [source, destination] = await Promise.all([loadSource('source-postgres'), loadDestination('destination-s3')]);

export async function run(input: ConnectorsInput): Promise<ConnectorsOutput> {
  const records = source.read(input.sourceConfig, input.catalog, undefined, { ...benchConnectorContext, limits: input.limits?.source });
  let committedStates = 0;
  for await (const message of destination.write(input.destinationConfig, input.catalog, records, { ...benchConnectorContext, limits: input.limits?.destination })) {
    if (message.type === 'STATE') committedStates++;
    if (message.type === 'TRACE' && message.trace.type === 'ERROR') throw new Error(`connector error: ${message.trace.error?.message}`);
  }
  return { committedStates };
}
