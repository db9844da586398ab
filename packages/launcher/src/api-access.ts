// The `api:` section of config/platform.yaml: where the Config API listens, which Host names
// and browser origins it answers, and its login. Turned into the server's environment
// (see @platform/server's api-settings.ts), the URL and credentials clients use, and the
// login line `platform status` prints.
import { hostForUrl, isLoopbackHost, isWildcardHost, resolveAuthMode, type AuthMode } from '@platform/server/api-settings';

/** Airbyte OSS's default login; refused where the network can reach the API. */
export const DEFAULT_API_USERNAME = 'airbyte';
export const DEFAULT_API_PASSWORD = 'password';

export interface ApiAccess {
  /** Bind address of the API server. */
  host: string;
  allowedHosts: string[];
  /** Every origin a browser may call from, the web UI's included. */
  allowedOrigins: string[];
  /** `auto` already resolved against `host`; credentials only when basic. */
  auth: { mode: 'none' } | { mode: 'basic'; username: string; password: string };
}

export class ApiAccessError extends Error {
  override name = 'ApiAccessError';
}

const AUTH_MODES: readonly AuthMode[] = ['auto', 'basic', 'none'];

/** A YAML list or a comma-separated string (what an `${env:...}` value gives). */
function list(value: unknown, where: string): string[] {
  if (value === undefined || value === null || value === '') return [];
  if (Array.isArray(value)) return value.map(String).map((s) => s.trim()).filter(Boolean);
  if (typeof value === 'string') return value.split(',').map((s) => s.trim()).filter(Boolean);
  throw new ApiAccessError(`${where} must be a list or a comma-separated string`);
}

/** Parses `api:`; `file` names platform.yaml in errors. */
export function parseApiAccess(raw: Record<string, any> | undefined, webappPort: number, file: string): ApiAccess {
  const host = String(raw?.host ?? '127.0.0.1');
  const mode = String(raw?.auth?.mode ?? 'auto') as AuthMode;
  if (!AUTH_MODES.includes(mode)) throw new ApiAccessError(`${file}: api.auth.mode must be one of ${AUTH_MODES.join(', ')}, got "${mode}"`);
  const allowedOrigins = [`http://localhost:${webappPort}`, `http://127.0.0.1:${webappPort}`, ...list(raw?.allowed_origins, `${file}: api.allowed_origins`)];
  for (const origin of allowedOrigins) {
    if (!URL.canParse(origin) || new URL(origin).origin !== origin.replace(/\/$/, '')) {
      throw new ApiAccessError(`${file}: api.allowed_origins: "${origin}" is not an origin (scheme://host[:port], e.g. http://localhost:8000)`);
    }
  }
  const access = { host, allowedHosts: list(raw?.allowed_hosts, `${file}: api.allowed_hosts`), allowedOrigins };
  if (resolveAuthMode(mode, host) === 'none') return { ...access, auth: { mode: 'none' } };

  const username = String(raw?.auth?.username ?? DEFAULT_API_USERNAME);
  const password = String(raw?.auth?.password ?? DEFAULT_API_PASSWORD);
  if (!username || !password) throw new ApiAccessError(`${file}: api.auth.username and api.auth.password are required when basic auth is on`);
  if (username.includes(':')) throw new ApiAccessError(`${file}: api.auth.username may not contain ":"`);
  if (password === DEFAULT_API_PASSWORD && !isLoopbackHost(host)) {
    throw new ApiAccessError(
      `${file}: the API binds ${host}, reachable from the network, with the default password "${DEFAULT_API_PASSWORD}"; ` +
        'set BASIC_AUTH_PASSWORD (api.auth.password), or bind api.host to 127.0.0.1',
    );
  }
  return { ...access, auth: { mode: 'basic', username, password } };
}

/** The server's environment for these settings (read by its api-settings.ts). */
export function apiServerEnv(api: ApiAccess, port: number): Record<string, string> {
  return {
    PLATFORM_API_HOST: api.host,
    PLATFORM_API_PORT: String(port),
    PLATFORM_API_ALLOWED_HOSTS: api.allowedHosts.join(','),
    PLATFORM_API_ALLOWED_ORIGINS: api.allowedOrigins.join(','),
    PLATFORM_API_AUTH: api.auth.mode,
    // Set either way, so variables the launcher's own shell happens to carry never leak in.
    BASIC_AUTH_USERNAME: api.auth.mode === 'basic' ? api.auth.username : '',
    BASIC_AUTH_PASSWORD: api.auth.mode === 'basic' ? api.auth.password : '',
  };
}

/** Where local clients reach the API: loopback for a wildcard or loopback bind, else the bind address. */
export function apiClientUrl(api: ApiAccess, port: number): string {
  const host = isWildcardHost(api.host) || isLoopbackHost(api.host) ? '127.0.0.1' : hostForUrl(api.host);
  return `http://${host}:${port}`;
}

/** The credentials clients send, when basic auth is on. */
export function apiCredentials(api: ApiAccess): { username: string; password: string } | undefined {
  return api.auth.mode === 'basic' ? { username: api.auth.username, password: api.auth.password } : undefined;
}

/**
 * How to log in, for `platform status`. The password is shown only when it is Airbyte's
 * public default (which is only accepted on loopback); any other stays where it was set.
 */
export function loginHint(apiUrl: string, credentials: { username: string; password: string } | undefined): string {
  if (!credentials) return `API login: none needed (loopback only; api.auth.mode in config/platform.yaml turns basic auth on)`;
  const shown = credentials.password === DEFAULT_API_PASSWORD ? `password "${DEFAULT_API_PASSWORD}" (Airbyte's default; set BASIC_AUTH_PASSWORD to change it)` : 'the password set in BASIC_AUTH_PASSWORD (api.auth.password in config/platform.yaml), not shown';
  const curlPassword = credentials.password === DEFAULT_API_PASSWORD ? DEFAULT_API_PASSWORD : '"$BASIC_AUTH_PASSWORD"';
  return (
    `API login: basic auth, user "${credentials.username}", ${shown}\n` +
    `  curl -u ${credentials.username}:${curlPassword} -X POST ${apiUrl}/api/v1/workspaces/list -H "Content-Type: application/json" -d '{}'`
  );
}
