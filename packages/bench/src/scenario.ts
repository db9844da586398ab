// What a benchmark scenario is. Each file in ./scenarios exports one `scenario` and is found by
// listing that folder (see load-scenarios.ts), so adding a scenario is adding one file there.

export interface BenchOptions {
  /** Table sizes for scenarios that scale with rows (`--rows 1000000,10000000`). */
  rows: number[];
  /** Runs of each measured pipeline, alternating; the fastest counts (`--repeat N`), as a busy machine only ever slows a run down. */
  repeat: number;
  /** How long the platform scenario watches an idle platform's CPU time (`--idle-seconds N`). */
  idleSeconds: number;
  /** Parts of a scenario to run (`--parts full-refresh,cdc`); undefined runs them all. */
  parts: string[] | undefined;
}

export interface ScenarioContext {
  options: BenchOptions;
  /** A fresh directory of this scenario's own, removed after it ends. */
  workDir: string;
  /** Progress line on stderr, so stdout holds only the results. */
  log(message: string): void;
  /** Registers cleanup (stop a service, ...); runs last-in first-out after the scenario, also on error or Ctrl-C. */
  defer(cleanup: () => Promise<void> | void): void;
}

export interface ResultTable {
  title: string;
  columns: string[];
  rows: string[][];
  /** Lines printed under the table: what a column means, sizes, caveats. */
  notes: string[];
}

/** A goal printed as PASS or MISS. Informational: a MISS never fails the run. */
export interface Target {
  description: string;
  measured: string;
  met: boolean;
}

export interface ScenarioReport {
  tables: ResultTable[];
  targets: Target[];
}

export interface Scenario {
  /** One line for --help. */
  description: string;
  run(ctx: ScenarioContext): Promise<ScenarioReport>;
}
