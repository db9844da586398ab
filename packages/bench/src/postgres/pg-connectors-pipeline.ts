// The connectors under test: sourcePostgres.read piped in-process into destinationPostgres.write,
// as the worker's replication child runs them. Runs in a child process, one sync per child.
import { loadDestination, loadSource } from '../connector/connector-setup';
import { pipeConnectors, type ConnectorsInput, type ConnectorsOutput } from '../connector/pipe-connectors';

export interface PgSyncOutput extends ConnectorsOutput {
  /** Wall clock (ms since the epoch) when the sync began reading and when its last STATE was acknowledged (its data committed). */
  startedAtMs: number;
  endedAtMs: number;
}

// Loaded at import, before the child starts its clock: module loading is not pipeline time.
const [source, destination] = await Promise.all([loadSource('source-postgres'), loadDestination('destination-postgres')]);

export async function run(input: ConnectorsInput): Promise<PgSyncOutput> {
  const startedAtMs = Date.now();
  const output = await pipeConnectors(source, destination, input);
  return { ...output, startedAtMs, endedAtMs: Date.now() };
}
