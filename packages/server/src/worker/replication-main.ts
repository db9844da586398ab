// The replication child (Airbyte's orchestrator pod): one per attempt, spawned by the
// worker. Reads a ReplicationInput line on stdin, runs source and destination in this
// process, and reports ChildReport lines on stdout. It exits at once when the worker goes
// away (stdin closes or we are re-parented) so no orphan keeps writing. A child spawned ahead
// of time (REPLICATION_PRELOAD) loads every connector while it waits for its input.
import { CONNECTOR_DEFINITIONS, externalDestination, externalSource } from '@platform/connectors';
import { readLines } from '@platform/protocol';
import { PRELOAD_VARIABLE, type ChildReport, type ConnectorInvocation, type ReplicationInput } from './child-protocol';
import { loadDestination, loadSource } from './connectors';
import { runReplication } from './replication';

const EXIT_PARENT_GONE = 70;
const SIGTERM_GRACE_MS = 5_000;

function report(r: ChildReport): void {
  process.stdout.write(JSON.stringify(r) + '\n');
}

/**
 * Everything a library prints to the console goes to stderr; stdout carries reports only.
 * Process warnings (deprecations, the AWS SDK's Node version notice) become one log line each.
 */
function keepStdoutForReports(): void {
  const toStderr = (...args: unknown[]) => process.stderr.write(args.map(String).join(' ') + '\n');
  console.log = console.info = console.debug = toStderr;
  process.removeAllListeners('warning');
  process.on('warning', (w) => report({ type: 'log', at: Date.now(), level: 'WARN', origin: 'replication', message: `${w.name}: ${w.message.replace(/\s+/g, ' ').trim()}` }));
}

function reportCrash(err: unknown): void {
  const e = err instanceof Error ? err : new Error(String(err));
  report({
    type: 'failed',
    failures: [{ failureOrigin: 'replication', failureType: 'system_error', externalMessage: e.message, stacktrace: e.stack, timestamp: Date.now() }],
    completedStreams: [],
    stats: { streams: [], stateMessagesEmitted: 0 },
  });
}

const sourceOf = (i: ConnectorInvocation) => (i.external ? externalSource(i.external.command, i.external.spec) : loadSource(i.connector));
const destinationOf = (i: ConnectorInvocation) => (i.external ? externalDestination(i.external.command, i.external.spec) : loadDestination(i.connector));

async function readInput(lines: AsyncIterator<string>): Promise<ReplicationInput> {
  const first = await lines.next();
  if (first.done) process.exit(EXIT_PARENT_GONE);
  const input = JSON.parse(first.value) as ReplicationInput;
  // A child spawned ahead of time started elsewhere; the connectors read it when they spill (os.tmpdir()).
  process.env.TMPDIR = input.tmpDir;
  return input;
}

/**
 * Loads every registered connector's modules, as a child spawned ahead of time does before its
 * input comes. A connector that fails to load fails again, with its error, when an attempt loads it.
 * DuckDB's native library too: destination-s3 loads it only when a sync starts writing (so a cold
 * child overlaps it with the first COPY), which a child waiting for its input can do beforehand.
 */
async function preloadConnectors(): Promise<void> {
  const duckDb = import('@duckdb/node-api').catch(() => undefined);
  await Promise.all([...CONNECTOR_DEFINITIONS.map((d) => d.load().catch(() => undefined)), duckDb]);
}

function exitWhenParentGoes(lines: AsyncIterator<string>): void {
  const parent = process.ppid;
  void (async () => {
    while (!(await lines.next()).done);
    process.exit(EXIT_PARENT_GONE);
  })();
  setInterval(() => {
    if (process.ppid !== parent) process.exit(EXIT_PARENT_GONE);
  }, 500).unref();
}

async function main(): Promise<void> {
  keepStdoutForReports();
  const abort = new AbortController();
  process.once('SIGTERM', () => {
    abort.abort(new Error('cancelled'));
    setTimeout(() => process.exit(143), SIGTERM_GRACE_MS).unref();
  });

  let outcome: 'succeeded' | 'failed';
  try {
    const lines = readLines(process.stdin)[Symbol.asyncIterator]();
    if (process.env[PRELOAD_VARIABLE]) await preloadConnectors();
    const input = await readInput(lines);
    exitWhenParentGoes(lines);
    const [source, destination] = await Promise.all([input.source ? sourceOf(input.source) : undefined, destinationOf(input.destination)]);
    outcome = await runReplication(input, { source, destination }, { report, signal: abort.signal });
  } catch (err) {
    // Only reading the input or loading a connector can fail here; runReplication reports its own failures.
    reportCrash(err);
    outcome = 'failed';
  }
  // Let the last report drain before exiting.
  process.stdout.write('', () => process.exit(outcome === 'succeeded' ? 0 : 1));
}

void main();
