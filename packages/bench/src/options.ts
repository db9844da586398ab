// Command-line flags: `pnpm bench -- --only connector --rows 1000000,10000000`.
import { parseArgs } from 'node:util';
import type { BenchOptions } from './scenario';

export const USAGE = `usage: pnpm bench [-- [--only NAME[,NAME...]] [--rows N[,N...]] [--repeat N] [--idle-seconds N] [--parts PART[,PART...]] [--help]]
  --only          run only these scenarios (default: all)
  --rows          table sizes for row-scaled scenarios (default: 1000000,10000000)
  --repeat        runs of each pipeline, alternating; the fastest is reported (default: 1)
  --idle-seconds  window over which the platform scenario measures an idle platform's CPU time (default: 300)
  --parts         run only these parts of a scenario (postgres: full-refresh, incremental, cdc; default: all)`;

const DEFAULT_ROWS = [1_000_000, 10_000_000];
const DEFAULT_IDLE_SECONDS = 300;

export interface ParsedArgs {
  options: BenchOptions;
  /** Scenario names from --only; undefined runs all. */
  only: string[] | undefined;
  help: boolean;
}

export function parseBenchArgs(argv: string[]): ParsedArgs {
  // `pnpm bench -- --only x` hands the script a literal "--" first.
  const args = argv[0] === '--' ? argv.slice(1) : argv;
  const { values } = parseArgs({
    args,
    options: {
      only: { type: 'string' },
      rows: { type: 'string' },
      repeat: { type: 'string' },
      'idle-seconds': { type: 'string' },
      parts: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  return {
    options: {
      rows: values.rows === undefined ? DEFAULT_ROWS : values.rows.split(',').map((n) => positiveInteger('--rows', n)),
      repeat: values.repeat === undefined ? 1 : positiveInteger('--repeat', values.repeat),
      idleSeconds: values['idle-seconds'] === undefined ? DEFAULT_IDLE_SECONDS : positiveInteger('--idle-seconds', values['idle-seconds']),
      parts: values.parts?.split(',').map((s) => s.trim()).filter(Boolean),
    },
    only: values.only?.split(',').map((s) => s.trim()).filter(Boolean),
    help: values.help ?? false,
  };
}

/** Accepts 1000000, 1_000_000 and 1e6. */
function positiveInteger(flag: string, text: string): number {
  const n = Number(text.trim().replaceAll('_', ''));
  if (!Number.isSafeInteger(n) || n <= 0) throw new Error(`${flag}: "${text}" is not a positive integer`);
  return n;
}
