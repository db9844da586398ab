// The typed Config API client: openapi-fetch over the types generated from the server's
// OpenAPI document (@platform/api-types, `pnpm --filter @platform/server
// generate`; the server's drift test fails when they no longer match openapi.yaml).
import createClient, { type Client } from 'openapi-fetch';
import type { components, paths } from '@platform/api-types';

export type PlatformClient = Client<paths>;
export type Schemas = components['schemas'];

/** The API's basic auth login (BASIC_AUTH_USERNAME / BASIC_AUTH_PASSWORD on the server). */
export interface ApiCredentials {
  username: string;
  password: string;
}

export interface PlatformClientOptions {
  /** Sent with every call when the server has basic auth on. */
  credentials?: ApiCredentials;
}

/**
 * `apiUrl` may be the server root (`http://localhost:8001`) or, as Airbyte guides write it,
 * end in `/api` or `/api/v1`: the document's paths start at `/v1`.
 */
export function createPlatformClient(apiUrl: string, options: PlatformClientOptions = {}): PlatformClient {
  const root = apiUrl.replace(/\/+$/, '').replace(/\/api(\/v1)?$/, '');
  const { credentials } = options;
  const headers = credentials ? { Authorization: `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`, 'utf8').toString('base64')}` } : undefined;
  return createClient<paths>({ baseUrl: `${root}/api`, headers });
}

export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly status: number,
    readonly operation: string,
    readonly body: unknown,
  ) {
    super(`${operation} failed with HTTP ${status}: ${describeBody(body)}`);
  }
}

/** The response data, or an ApiError carrying the server's message and field details. */
export async function unwrap<T>(operation: string, call: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  const { data, error, response } = await call;
  if (error !== undefined || !response.ok) throw new ApiError(response.status, operation, error);
  return data as T;
}

function describeBody(body: unknown): string {
  if (body && typeof body === 'object' && 'message' in body) {
    const { message, details } = body as { message: string; details?: { path: string; message: string }[] };
    return details?.length ? `${message} (${details.map((d) => `${d.path}: ${d.message}`).join('; ')})` : message;
  }
  return typeof body === 'string' ? body : JSON.stringify(body);
}
