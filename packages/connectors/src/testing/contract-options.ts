// What the source and destination contract suites share: how a suite is set up, and its constants.
import type { ConnectorContext } from '../framework/connector';

export interface ContractOptions<K, F> {
  /** Registry name; the CLI tests run `connector <name> ...`. */
  name: string;
  connector: K;
  setup(): Promise<F>;
  teardown?(): Promise<void>;
  /** Spec paths that must be airbyte_secret. */
  expectedSecrets?: string[];
  /** Set false for connectors that are not in the registry (the CLI cannot load them). */
  cli?: boolean;
  /** Environment for the CLI child processes. */
  cliEnv?: Record<string, string>;
}

/** Tests and hooks that start services or child processes get this long. */
export const SLOW = 120_000;
export const quietContext: ConnectorContext = { log: () => {} };
