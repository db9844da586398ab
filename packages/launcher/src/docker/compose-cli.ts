// `docker compose` (the Compose plugin; the Python `docker-compose` where only that is
// installed) run with execa on the generated file: build, up, down.
import { execa } from 'execa';

export class ComposeCommandError extends Error {
  override name = 'ComposeCommandError';
}

export interface ComposeCli {
  /** e.g. ['docker', 'compose'] or ['docker-compose']. */
  command: [string, ...string[]];
  run(args: string[], options?: { onLine?: (line: string) => void }): Promise<string>;
}

/** The compose implementation the machine has: the plugin first. */
export async function findComposeCli(composeFile: string, projectDir: string): Promise<ComposeCli> {
  const candidates: [string, ...string[]][] = [['docker', 'compose'], ['docker-compose']];
  for (const command of candidates) {
    const probe = await execa(command[0], [...command.slice(1), 'version'], { reject: false, timeout: 15_000 });
    if (probe.exitCode === 0) return composeCli(command, composeFile, projectDir);
  }
  throw new ComposeCommandError('neither `docker compose` (Docker\'s Compose plugin) nor `docker-compose` is installed: install the Compose plugin, or use the embedded runtime: pnpm platform up --runtime embedded');
}

function composeCli(command: [string, ...string[]], composeFile: string, projectDir: string): ComposeCli {
  return {
    command,
    async run(args, { onLine } = {}) {
      const child = execa(command[0], [...command.slice(1), '--file', composeFile, '--project-directory', projectDir, ...args], { reject: false, all: true });
      const lines: string[] = [];
      for await (const line of child.iterable({ from: 'all' })) {
        lines.push(line);
        onLine?.(line);
      }
      const result = await child;
      const output = lines.join('\n');
      if (result.exitCode !== 0) {
        throw new ComposeCommandError(`\`${command.join(' ')} ${args.join(' ')}\` failed (exit ${result.exitCode}):\n${lines.slice(-25).join('\n')}${portHint(output)}`);
      }
      return output;
    },
  };
}

/** The engine's words for a taken host port, turned into the fix. */
function portHint(output: string): string {
  const match = /(?:Bind for [^ ]*?:(\d+) failed: port is already allocated|listen tcp[46]? [^:]*:(\d+): bind: address already in use)/.exec(output);
  if (!match) return '';
  const port = match[1] ?? match[2];
  return `\nport ${port} is already in use on this machine: stop what holds it, or choose another port in config/platform.yaml (ports:)`;
}
