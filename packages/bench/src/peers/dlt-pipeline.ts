// dlt with the ConnectorX backend, the tool Airbyte's users move to for bulk loads: installed
// by the scenario into a virtualenv of its own under the run's temp dir (so it goes with it), and
// run as a Python process on the same table and S3 server as the other pipelines.
import { execFile, spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { PostgresEndpoint, S3Endpoint } from '../connector/endpoints';
import { descendantsOf, PeakRssSampler } from '../platform/peak-rss-sampler';

/** Pinned, so runs on different days compare the same peer. */
export const DLT_REQUIREMENTS = ['dlt[sql_database,filesystem,parquet,s3]==1.31.0', 'connectorx==0.4.6', 'psycopg2-binary==2.9.13'];

const SCRIPT = fileURLToPath(new URL('./dlt_pipeline.py', import.meta.url));
const run = promisify(execFile);

/** Creates the virtualenv in `dir` and installs dlt into it; returns its python. */
export async function installDlt(dir: string): Promise<string> {
  await run('python3', ['-m', 'venv', dir]);
  const python = join(dir, 'bin', 'python');
  const pip = (...args: string[]) => run(python, ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', ...args], { maxBuffer: 16 * 2 ** 20 });
  // A fresh venv's pip 23 fails to resolve dlt's extras; a current pip does.
  await pip('--upgrade', 'pip');
  await pip(...DLT_REQUIREMENTS);
  return python;
}

export interface DltInput {
  python: string;
  postgres: PostgresEndpoint;
  s3: S3Endpoint;
  table: string;
  /** Objects land under s3://bucket/<prefix>/<dataset>/<table>/. */
  prefix: string;
  dataset: string;
  /** dlt's local working folder (extracted and normalized files before the upload). */
  pipelinesDir: string;
}

export interface DltRun {
  /** Inside the script, around pipeline.run (extract, normalize, load); Python start and imports excluded. */
  seconds: number;
  /** The same span's CPU time of the Python process and its children. */
  cpuSeconds: number;
  /** Rows dlt says it normalized. */
  rows: number;
  /** Peak RSS of the Python process tree (sampled sum, or the process's own ru_maxrss if higher). */
  peakRssBytes: number;
}

interface ScriptReply {
  seconds: number;
  cpuSeconds: number;
  rows: number;
  peakRssBytes: number;
}

export function runDlt(input: DltInput): Promise<DltRun> {
  const { python, ...spec } = input;
  const child = spawn(python, [SCRIPT], { stdio: ['pipe', 'pipe', 'pipe'] });
  const sampler = new PeakRssSampler(descendantsOf(child.pid!));
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString('utf8')).slice(-8_000)));
  // The spec carries passwords: over stdin, not argv, which `ps` shows.
  child.stdin.end(JSON.stringify({ ...spec, pipelineName: `bench_${input.table}` }));
  return new Promise((resolve, reject) => {
    child.on('error', (error) => {
      sampler.stop();
      reject(error);
    });
    child.on('close', (code, signal) => {
      const sampledPeak = sampler.stop();
      const line = stdout.trim().split('\n').at(-1) ?? '';
      if (code !== 0 || !line.startsWith('{')) {
        reject(new Error(`dlt pipeline (${SCRIPT}) ended with ${signal ?? `code ${code}`}:\n${stderr.trim() || stdout.trim()}`));
        return;
      }
      const reply = JSON.parse(line) as ScriptReply;
      resolve({ seconds: reply.seconds, cpuSeconds: reply.cpuSeconds, rows: reply.rows, peakRssBytes: Math.max(sampledPeak, reply.peakRssBytes) });
    });
  });
}
