// Airbyte's public API ("Airbyte API") at /api/public/v1: REST routes over the same domain
// services as the Config API, its own bearer-token authentication (tokens from
// POST /applications/token) and Airbyte's problem-style errors. http-server.ts hands it every
// request under the prefix after the Host and origin checks.
import type { IncomingMessage } from 'node:http';
import type { PlatformServices } from '../../services/platform-services';
import { ApiError, BadRequestError, InvalidInputError } from '../../shared/errors';
import type { Logger } from '../../shared/logger';
import { HttpError, UnauthorizedError } from '../http-errors';
import { findJsonProblems } from '../json-guards';
import { readBody } from '../request-body';
import type { PublicResponse, PublicRoute } from './public-route';
import { applicationRoutes } from './routes/applications';
import { connectionRoutes } from './routes/connections';
import { healthRoutes } from './routes/health';
import { actorRoutes } from './routes/actors';
import { jobRoutes } from './routes/jobs';
import { streamRoutes } from './routes/streams';
import { workspaceRoutes } from './routes/workspaces';

export const PUBLIC_API_PREFIX = '/api/public/v1';
const BEARER_CHALLENGE = 'Bearer realm="Airlock public API"';

export interface PublicApiOptions {
  maxBodyBytes: number;
  maxJsonDepth: number;
}

export interface PublicAnswer extends PublicResponse {
  headers?: Record<string, string>;
}

interface CompiledRoute {
  route: PublicRoute;
  pattern: RegExp;
  names: string[];
}

function compile(route: PublicRoute): CompiledRoute {
  const names: string[] = [];
  const source = route.path.replace(/\{(\w+)\}/g, (_, name: string) => {
    names.push(name);
    return '([^/]+)';
  });
  return { route, pattern: new RegExp(`^${source}$`), names };
}

/** Airbyte's error body: a problem document (`type`, `title`, `detail`, `status`), plus our `details` naming fields. */
function problem(status: number, title: string, detail: string, extra: Record<string, unknown> = {}): PublicResponse {
  return { status, body: { type: `https://reference.airbyte.com/reference/errors#${status}`, title, detail, status, ...extra } };
}

async function parseBody(req: IncomingMessage, options: PublicApiOptions): Promise<Record<string, unknown>> {
  const text = await readBody(req, options.maxBodyBytes);
  if (text.trim() === '') return {};
  const mediaType = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  // The SDKs post the token request as an OAuth 2 form; everything else is JSON.
  if (mediaType === 'application/x-www-form-urlencoded') return Object.fromEntries(new URLSearchParams(text));
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (err) {
    throw new BadRequestError(`Malformed JSON in request body: ${(err as Error).message}`);
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new BadRequestError('The request body must be a JSON object');
  const problems = findJsonProblems(body, options.maxJsonDepth);
  if (problems.length) throw new InvalidInputError('Invalid request body', problems);
  return body as Record<string, unknown>;
}

function bearerToken(authorization: string | undefined): string | undefined {
  return /^Bearer +(\S+) *$/i.exec(authorization ?? '')?.[1];
}

export function createPublicApi(services: PlatformServices, options: PublicApiOptions) {
  const routes = [...healthRoutes, ...applicationRoutes, ...workspaceRoutes, ...actorRoutes, ...connectionRoutes, ...jobRoutes, ...streamRoutes].map(compile);

  async function authorize(req: IncomingMessage): Promise<void> {
    const token = bearerToken(req.headers.authorization);
    if (token && (await services.applications.verify(token))) return;
    throw new UnauthorizedError(
      token ? 'Invalid or expired access token: get a new one from POST /api/public/v1/applications/token' : 'Authentication required: send "Authorization: Bearer <access_token>" (POST /api/public/v1/applications/token with client_id and client_secret gives one)',
      [BEARER_CHALLENGE],
    );
  }

  async function answer(req: IncomingMessage, url: URL, log: Logger): Promise<PublicAnswer> {
    const path = url.pathname.slice(PUBLIC_API_PREFIX.length).replace(/\/+$/, '') || '/';
    const method = req.method ?? 'GET';
    const matching = routes.map((r) => ({ r, match: r.pattern.exec(path) })).filter((m) => m.match);
    const found = matching.find((m) => m.r.route.method === method);
    if (!found) {
      if (matching.length === 0) return problem(404, 'not-found', `Unknown endpoint ${method} ${url.pathname}; see https://reference.airbyte.com`);
      const allowed = [...new Set(matching.map((m) => m.r.route.method))].join(', ');
      return { ...problem(405, 'method-not-allowed', `${method} is not allowed on ${url.pathname}; use ${allowed}`), headers: { Allow: allowed } };
    }
    if (!found.r.route.anonymous) await authorize(req);
    const params = Object.fromEntries(found.r.names.map((name, i) => [name, decodeURIComponent(found.match![i + 1])]));
    // GET and DELETE take no body; one sent anyway is read (bounded) and ignored.
    if (method === 'GET' || method === 'DELETE') await readBody(req, options.maxBodyBytes);
    const body = method === 'GET' || method === 'DELETE' ? {} : await parseBody(req, options);
    return found.r.route.handler({ params, query: url.searchParams, body, url, services, log });
  }

  return {
    handles: (pathname: string) => pathname === PUBLIC_API_PREFIX || pathname.startsWith(`${PUBLIC_API_PREFIX}/`),

    /** Always answers: errors become problem documents; unexpected ones are logged and named by request id only. */
    async serve(req: IncomingMessage, url: URL, requestId: string, log: Logger): Promise<PublicAnswer> {
      try {
        return await answer(req, url, log);
      } catch (err) {
        if (err instanceof HttpError) return { ...problem(err.status, err.exceptionClassName, err.message), headers: err.headers };
        if (err instanceof ApiError) {
          const extra = err instanceof InvalidInputError ? { details: err.details } : {};
          return problem(err.status, err.exceptionClassName, err.message, extra);
        }
        log.error('unexpected error', { error: err });
        return problem(500, 'internal-server-error', `Internal server error (request id ${requestId}); the server log has the details`);
      }
    },
  };
}

export type PublicApi = ReturnType<typeof createPublicApi>;
