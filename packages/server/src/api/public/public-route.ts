// What a route of the public API is: a method, a path with `{params}`, and a handler that gets
// the path parameters, the query string and the parsed body. Unlike the Config API (RPC over
// openapi.yaml), Airbyte's public API is REST, so its routes match paths themselves.
import type { PlatformServices } from '../../services/platform-services';
import type { Logger } from '../../shared/logger';

export interface PublicRequest {
  params: Record<string, string>;
  query: URLSearchParams;
  /** The parsed JSON (or form) body; `{}` when none was sent. */
  body: Record<string, unknown>;
  /** The request's own URL (scheme, host, prefix), for `next`/`previous` links. */
  url: URL;
  services: PlatformServices;
  log: Logger;
}

export interface PublicResponse {
  status: number;
  body?: unknown;
}

export interface PublicRoute {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  /** Relative to /api/public/v1, e.g. `/sources/{sourceId}`. */
  path: string;
  /** Answered without a bearer token (the token endpoint itself). */
  anonymous?: boolean;
  handler(request: PublicRequest): Promise<PublicResponse>;
}

export const ok = (body: unknown): PublicResponse => ({ status: 200, body });
export const noContent = (): PublicResponse => ({ status: 204 });
