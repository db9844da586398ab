// The API server's settings from its environment (main-server.ts). The launcher sets these
// from config/platform.yaml; anyone running the server alone sets them directly.
//   PLATFORM_API_HOST (127.0.0.1)  PLATFORM_API_PORT (8001)
//   PLATFORM_API_ALLOWED_HOSTS     extra Host names, comma-separated (`*`: any)
//   PLATFORM_API_ALLOWED_ORIGINS   origins of the web UI, comma-separated (http://localhost:8000,http://127.0.0.1:8000)
//   PLATFORM_API_AUTH              auto (basic unless bound to loopback) | basic | none
//   BASIC_AUTH_USERNAME, BASIC_AUTH_PASSWORD   the basic auth credentials (Airbyte OSS's names)
//   PLATFORM_API_MAX_BODY_BYTES (10 MiB)  PLATFORM_API_MAX_JSON_DEPTH (64)
import { basicAuthenticator, type Authenticator } from './auth';
import { normalizeOrigin } from './cors';
import { isLoopbackHost } from './host-names';
import type { ApiServerOptions } from './http-server';

// For the launcher, which writes these settings (imported without the server's dependencies).
export { hostForUrl, isLoopbackHost, isWildcardHost } from './host-names';

export type AuthMode = 'auto' | 'basic' | 'none';
const AUTH_MODES: readonly AuthMode[] = ['auto', 'basic', 'none'];

type Env = Record<string, string | undefined>;

export class ApiSettingsError extends Error {
  override name = 'ApiSettingsError';
}

/** `auto` turns basic auth on for any bind address other machines could reach. */
export function resolveAuthMode(mode: AuthMode, bindHost: string): 'basic' | 'none' {
  return mode === 'auto' ? (isLoopbackHost(bindHost) ? 'none' : 'basic') : mode;
}

function list(value: string | undefined): string[] | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  return value.split(',').map((item) => item.trim()).filter(Boolean);
}

function positiveInteger(env: Env, name: string): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < 1) throw new ApiSettingsError(`${name}: "${raw}" is not a positive whole number`);
  return value;
}

export function apiOptionsFromEnv(env: Env): ApiServerOptions {
  const host = env.PLATFORM_API_HOST || '127.0.0.1';
  const port = env.PLATFORM_API_PORT ? Number(env.PLATFORM_API_PORT) : 8001;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new ApiSettingsError(`PLATFORM_API_PORT: "${env.PLATFORM_API_PORT}" is not a port number`);

  const allowedOrigins = list(env.PLATFORM_API_ALLOWED_ORIGINS);
  for (const origin of allowedOrigins ?? []) {
    try {
      normalizeOrigin(origin);
    } catch (error) {
      throw new ApiSettingsError(`PLATFORM_API_ALLOWED_ORIGINS: ${(error as Error).message}`);
    }
  }

  const mode = (env.PLATFORM_API_AUTH || 'auto') as AuthMode;
  if (!AUTH_MODES.includes(mode)) throw new ApiSettingsError(`PLATFORM_API_AUTH: "${mode}" must be one of ${AUTH_MODES.join(', ')}`);
  const authenticators: Authenticator[] = [];
  if (resolveAuthMode(mode, host) === 'basic') {
    const username = env.BASIC_AUTH_USERNAME;
    const password = env.BASIC_AUTH_PASSWORD;
    if (!username || !password) {
      throw new ApiSettingsError(
        `basic auth is on (PLATFORM_API_AUTH=${mode}${mode === 'auto' ? `, bound to ${host}` : ''}) but ${!username ? 'BASIC_AUTH_USERNAME' : 'BASIC_AUTH_PASSWORD'} is not set; ` +
          'set both, or PLATFORM_API_AUTH=none to serve without authentication',
      );
    }
    try {
      authenticators.push(basicAuthenticator({ username, password }));
    } catch (error) {
      throw new ApiSettingsError((error as Error).message);
    }
  }

  return {
    host,
    port,
    allowedHosts: list(env.PLATFORM_API_ALLOWED_HOSTS),
    allowedOrigins,
    authenticators,
    maxBodyBytes: positiveInteger(env, 'PLATFORM_API_MAX_BODY_BYTES'),
    maxJsonDepth: positiveInteger(env, 'PLATFORM_API_MAX_JSON_DEPTH'),
  };
}
