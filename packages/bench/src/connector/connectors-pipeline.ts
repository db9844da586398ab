// The connectors under test: sourcePostgres.read piped in-process into destinationS3.write,
// consumed until the destination has committed everything. Runs in a child process.
import { loadDestination, loadSource } from './connector-setup';
import { pipeConnectors, type ConnectorsInput, type ConnectorsOutput } from './pipe-connectors';

export type { ConnectorsInput, ConnectorsOutput } from './pipe-connectors';

// Loaded at import, before the child starts its clock: module loading is not pipeline time.
const [source, destination] = await Promise.all([loadSource('source-postgres'), loadDestination('destination-s3')]);

export function run(input: ConnectorsInput): Promise<ConnectorsOutput> {
  return pipeConnectors(source, destination, input);
}
