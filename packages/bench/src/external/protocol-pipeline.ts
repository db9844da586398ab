// One measured run of an external source, stopped at a stage of the platform's protocol path,
// in a child process (run-in-child.ts), so each stage's time and the Node side's CPU are its own:
//   devnull  the program alone, stdout to /dev/null (the baseline: what the source itself costs)
//   parse    + its stdout through runExternal: the strict JSON-lines codec, LOG/TRACE scrubbing
//   batch    + externalSource.read: records grouped into RECORD_BATCHes (what the destination takes)
//   s3       + destination-s3.write: Parquet ZSTD and the upload to S3, the sync's whole data path
import { spawn } from 'node:child_process';
import type { ConfiguredAirbyteCatalog, ConnectorSpecification } from '@platform/protocol';
import { externalSource, runExternal, type ExternalCommand } from '@platform/connectors';
import { benchConnectorContext, loadDestination } from '../connector/connector-setup';

export type ProtocolStage = 'devnull' | 'parse' | 'batch' | 's3';

export interface ProtocolInput {
  stage: ProtocolStage;
  command: ExternalCommand;
  spec: ConnectorSpecification;
  config: Record<string, unknown>;
  catalog: ConfiguredAirbyteCatalog;
  /** Written next to the run's private files: the external run's own copy is the one that counts. */
  catalogFile: string;
  configFile: string;
  destinationConfig: Record<string, unknown>;
}

export interface ProtocolOutput {
  /** RECORD messages seen (0 for devnull, which reads nothing). */
  records: number;
  /** devnull only: the program's own CPU time (user + system), robust to the machine's load unlike its wall time. */
  programCpuSeconds?: number;
}

// Loaded before the child's clock starts.
const destination = await loadDestination('destination-s3');

export async function run(input: ProtocolInput): Promise<ProtocolOutput> {
  switch (input.stage) {
    case 'devnull':
      return devnull(input);
    case 'parse': {
      // The adapter's process runner alone, no batching: RECORDs counted one message at a time.
      let records = 0;
      const files = [
        { flag: 'config' as const, content: input.config },
        { flag: 'catalog' as const, content: input.catalog },
      ];
      for await (const m of runExternal(input.command, { verb: 'read', files, secrets: [], ctx: benchConnectorContext })) if (m.type === 'RECORD') records++;
      return { records };
    }
    case 'batch': {
      let records = 0;
      for await (const item of externalSource(input.command, input.spec).read(input.config, input.catalog, undefined, benchConnectorContext)) if (item.type === 'RECORD_BATCH') records += item.records.length;
      return { records };
    }
    case 's3': {
      let records = 0;
      async function* counted() {
        for await (const item of externalSource(input.command, input.spec).read(input.config, input.catalog, undefined, benchConnectorContext)) {
          if (item.type === 'RECORD_BATCH') records += item.records.length;
          yield item;
        }
      }
      for await (const m of destination.write(input.destinationConfig, input.catalog, counted(), benchConnectorContext)) {
        if (m.type === 'TRACE' && m.trace.type === 'ERROR') throw new Error(`destination-s3: ${m.trace.error?.message}`);
      }
      return { records };
    }
  }
}

async function devnull(input: ProtocolInput): Promise<ProtocolOutput> {
  const args = [input.command.command, ...(input.command.args ?? []), 'read', '--config', input.configFile, '--catalog', input.catalogFile];
  // The shell's `times` prints its children's user and system time on its second line.
  const child = spawn('/bin/sh', ['-c', '"$@" > /dev/null && times', 'sh', ...args], { stdio: ['ignore', 'pipe', 'ignore'] });
  let printed = '';
  child.stdout.on('data', (chunk: Buffer) => (printed += chunk.toString()));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', resolve);
  });
  if (code !== 0) throw new Error(`${input.command.name} read exited with code ${code}`);
  const seconds = [...(printed.trim().split('\n')[1] ?? '').matchAll(/(\d+)m([\d.]+)s/g)].map((m) => Number(m[1]) * 60 + Number(m[2]));
  return { records: 0, programCpuSeconds: seconds.reduce((a, b) => a + b, 0) };
}
