// Run once in a child process before the measured baseline runs: importing the connectors'
// pipeline fills tsx's transpile cache (under $TMPDIR), as the demo sync has filled the worker's,
// so the baseline's "incl. process start" time is not inflated by a first-ever transpile.
import '../connector/connectors-pipeline';

export async function run(): Promise<null> {
  return null;
}
