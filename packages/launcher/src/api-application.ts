// The public API's application (Airbyte's client id and secret for /api/public/v1). Generated
// once per state folder and kept in api-application.json (0600), so a restart and
// `platform credentials` find the same pair; the server registers it in the platform database
// at every start (PLATFORM_API_CLIENT_ID / PLATFORM_API_CLIENT_SECRET). Explicit values of
// those two variables win, as PLATFORM_SECRET_KEY does.
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ConfigError } from './config';

export interface ApiApplication {
  clientId: string;
  clientSecret: string;
}

/** The application of the state folder, or undefined when `up` has not created one yet. */
export function readApiApplication(file: string, env: NodeJS.ProcessEnv = process.env): ApiApplication | undefined {
  if (env.PLATFORM_API_CLIENT_ID && env.PLATFORM_API_CLIENT_SECRET) return { clientId: env.PLATFORM_API_CLIENT_ID, clientSecret: env.PLATFORM_API_CLIENT_SECRET };
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const parsed = JSON.parse(text) as Partial<ApiApplication>;
  if (typeof parsed.clientId !== 'string' || typeof parsed.clientSecret !== 'string') {
    throw new ConfigError(`${file} has no clientId/clientSecret; delete it and run \`platform up\` to create a new application`);
  }
  return { clientId: parsed.clientId, clientSecret: parsed.clientSecret };
}

export function ensureApiApplication(file: string, env: NodeJS.ProcessEnv = process.env): ApiApplication {
  const existing = readApiApplication(file, env);
  if (existing) return existing;
  mkdirSync(path.dirname(file), { recursive: true });
  const application = { clientId: randomUUID(), clientSecret: randomBytes(24).toString('base64url') };
  // 'wx': never overwrite an application another process wrote in the meantime.
  try {
    writeFileSync(file, `${JSON.stringify(application, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return readApiApplication(file, env)!;
    throw error;
  }
  return application;
}

/** What `platform credentials` prints: one VAR=value a line, for `export $(pnpm -s platform credentials)` or a .env file. */
export function credentialLines(apiUrl: string, application: ApiApplication): string[] {
  return [`AIRBYTE_API_URL=${apiUrl}/api/public/v1`, `AIRBYTE_CLIENT_ID=${application.clientId}`, `AIRBYTE_CLIENT_SECRET=${application.clientSecret}`];
}
