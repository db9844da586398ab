// Runs a registered connector as a child process through the real CLI entry
// (bin/connector.mjs → tsx → src/main.ts), exactly as an orchestrator would.
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readMessages, serializeMessage, type AirbyteMessage } from '@platform/protocol';
import { summarizeMessages, type CollectedOutput } from './collect';

export const CONNECTOR_BIN = fileURLToPath(new URL('../../bin/connector.mjs', import.meta.url));

export interface CliInputs {
  config?: unknown;
  catalog?: unknown;
  state?: unknown;
  /** Protocol messages fed to stdin (for `write`). */
  stdin?: AirbyteMessage[];
  env?: Record<string, string>;
  timeoutMs?: number;
}

export interface CliResult extends CollectedOutput {
  exitCode: number | null;
  stderr: string;
  /** stdout lines that were not protocol messages; a well-behaved connector prints none. */
  strayLines: string[];
}

/** `connector <name> <command> --config F --catalog F --state F`, with the inputs written to temp files. */
export async function runConnectorProcess(name: string, command: string, inputs: CliInputs = {}): Promise<CliResult> {
  const dir = await mkdtemp(join(tmpdir(), 'connector-cli-'));
  try {
    const args = [CONNECTOR_BIN, name, command];
    for (const flag of ['config', 'catalog', 'state'] as const) {
      if (inputs[flag] === undefined) continue;
      const path = join(dir, `${flag}.json`);
      await writeFile(path, JSON.stringify(inputs[flag]));
      args.push(`--${flag}`, path);
    }
    const child = spawn(process.execPath, args, { env: { ...process.env, ...inputs.env }, stdio: ['pipe', 'pipe', 'pipe'] });
    const timer = setTimeout(() => child.kill('SIGKILL'), inputs.timeoutMs ?? 60_000);
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const exited = new Promise<number | null>((resolve, reject) => {
      child.once('error', reject);
      child.once('close', (code) => resolve(code));
    });
    child.stdin.on('error', () => {}); // the connector may exit before reading all of stdin
    child.stdin.end((inputs.stdin ?? []).map(serializeMessage).join(''));
    const strayLines: string[] = [];
    const messages: AirbyteMessage[] = [];
    for await (const m of readMessages(child.stdout, { onNonProtocolLine: (line) => strayLines.push(line) })) messages.push(m);
    const exitCode = await exited;
    clearTimeout(timer);
    return { ...summarizeMessages(messages), exitCode, stderr, strayLines };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
