// Connector fixtures under `<connector>/test/`: config.json (a template), invalid_config.json,
// configured_catalog.json, and optionally state.json and expected_records.jsonl.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { AirbyteStateMessage, ConfiguredAirbyteCatalog } from '@platform/protocol';
import { normalizeStateInput } from '../framework/cli';

export interface ExpectedRecord {
  stream: string;
  namespace?: string | null;
  data: Record<string, unknown>;
}

export interface ConnectorFixtures<C = Record<string, unknown>> {
  config: C;
  invalidConfig: unknown;
  configuredCatalog: ConfiguredAirbyteCatalog;
  state?: AirbyteStateMessage[];
  expectedRecords?: ExpectedRecord[];
}

/**
 * Replaces `${NAME}` placeholders in every string. A string that is exactly one placeholder
 * takes the variable's own type, so `"port": "${PORT}"` becomes a number.
 */
export function fillTemplate<T>(value: T, vars: Record<string, string | number | boolean>): T {
  if (typeof value === 'string') {
    const whole = /^\$\{(\w+)\}$/.exec(value);
    if (whole && whole[1] in vars) return vars[whole[1]] as T;
    return value.replace(/\$\{(\w+)\}/g, (match, name: string) => (name in vars ? String(vars[name]) : match)) as T;
  }
  if (Array.isArray(value)) return value.map((v) => fillTemplate(v, vars)) as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fillTemplate(v, vars)])) as T;
  }
  return value;
}

async function readOptional(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/** `C` is the connector's config type; the template is trusted to match it (check validates it anyway). */
export async function loadFixtures<C = Record<string, unknown>>(dir: string, vars: Record<string, string | number | boolean> = {}): Promise<ConnectorFixtures<C>> {
  const json = async (file: string) => {
    const text = await readOptional(join(dir, file));
    return text === undefined ? undefined : fillTemplate(JSON.parse(text), vars);
  };
  const required = async (file: string) => {
    const value = await json(file);
    if (value === undefined) throw new Error(`fixture ${join(dir, file)} is missing`);
    return value;
  };
  const records = await readOptional(join(dir, 'expected_records.jsonl'));
  return {
    config: (await required('config.json')) as C,
    invalidConfig: await required('invalid_config.json'),
    configuredCatalog: (await required('configured_catalog.json')) as ConfiguredAirbyteCatalog,
    state: normalizeStateInput(await json('state.json')),
    expectedRecords: records
      ?.split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => JSON.parse(line) as ExpectedRecord),
  };
}
