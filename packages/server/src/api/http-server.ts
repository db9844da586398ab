// The HTTP transport (design example 4: thin). node:http, RPC routing from openapi.yaml,
// the access checks (Host, origin, credentials: ./allowed-hosts, ./cors, ./auth), body
// reading and validation (./request-body), JSON serialization and JSON errors. Handlers only
// translate to services; this file knows nothing about sources or connections.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { PlatformServices } from '../services/platform-services';
import { ConnectorLoadError } from '../services/definitions';
import { ApiError, BadRequestError } from '../shared/errors';
import type { Logger } from '../shared/logger';
import { schemaErrorsToDetails } from '@platform/json-schema';
import { createHostCheck } from './allowed-hosts';
import { authenticate, type Authenticator } from './auth';
import { createCorsPolicy } from './cors';
import { HttpError } from './http-errors';
import { DEFAULT_MAX_JSON_DEPTH } from './json-guards';
import { loadOpenApi, type OpenApiDocument, type Operation } from './openapi';
import { createPublicApi } from './public/public-api';
import { DEFAULT_MAX_BODY_BYTES, readRequestBody } from './request-body';
import { HttpResponse, JsonBytes, type RouteHandler, type RouteModule } from './route';
import * as routeModules from './routes/index';

const API_PREFIX = '/api';
const DEFAULT_HOST = '127.0.0.1';
/** Origins of the platform's web UI on its default port (ports.webapp in config/platform.yaml). */
export const DEFAULT_ALLOWED_ORIGINS: readonly string[] = ['http://localhost:8000', 'http://127.0.0.1:8000'];
/** Answered without credentials: liveness probes need no login and learn nothing else. */
const PUBLIC_PATHS = new Set([`${API_PREFIX}/v1/health`]);
/** Prometheus's scrape path; behind the same credentials as the API (Prometheus sends basic auth). */
const METRICS_PATH = '/metrics';

export interface ApiServerOptions {
  /** Bind address; 127.0.0.1 by default. */
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  log?: Logger;
  /** Origins whose pages may call the API (the web UI); DEFAULT_ALLOWED_ORIGINS by default. */
  allowedOrigins?: readonly string[];
  /** Host header names accepted besides localhost, 127.0.0.1, [::1] and `host`; `*` accepts any. */
  allowedHosts?: readonly string[];
  /** A request passes when one accepts it; none (the default) leaves the API open. */
  authenticators?: readonly Authenticator[];
  /** Check every 200 body against the document and answer 500 on a mismatch (tests). */
  validateResponses?: boolean;
  /** Defaults to every module of ./routes/index. */
  routes?: RouteModule[];
  maxBodyBytes?: number;
  /** Containers nested deeper in a request body are refused (422) before validation. */
  maxJsonDepth?: number;
}

export interface ApiServer {
  server: Server;
  /** Resolves with the base URL, e.g. http://127.0.0.1:8001. */
  listen(): Promise<string>;
  /** Stops accepting connections and waits for in-flight requests (at most `graceMs`). */
  close(graceMs?: number): Promise<void>;
}

interface Route {
  operation: Operation;
  handler?: RouteHandler;
}

/** Matches route handlers to document operations; a handler the document lacks is a startup error. */
function buildRoutes(document: OpenApiDocument, modules: RouteModule[]): Map<string, Route> {
  const routes = new Map<string, Route>([...document.operations].map(([path, operation]) => [path, { operation }]));
  for (const module of modules) {
    for (const [key, handler] of Object.entries(module)) {
      const route = routes.get(`/v1/${key}`);
      if (!route) throw new Error(`Route "${key}" has no operation /v1/${key} in openapi.yaml; add it to the document first`);
      if (route.handler) throw new Error(`Route "${key}" is handled twice`);
      route.handler = handler;
    }
  }
  return routes;
}

/** The path of a request target, origin-form (`/api/v1/x`) or absolute-form (`http://host/api/v1/x`). */
function requestPath(target: string): string {
  try {
    return new URL(target.startsWith('/') ? `http://localhost${target}` : target).pathname.replace(/\/+$/, '');
  } catch {
    throw new BadRequestError(`Malformed request target ${JSON.stringify(target.slice(0, 100))}`);
  }
}

/** Whether an Accept-Encoding header takes gzip (named, or `*`, without q=0). */
export function acceptsGzip(header: string | undefined): boolean {
  if (!header) return false;
  return header.split(',').some((part) => {
    const [coding, ...params] = part.split(';').map((p) => p.trim().toLowerCase());
    if (coding !== 'gzip' && coding !== '*') return false;
    const q = params.find((p) => p.startsWith('q='));
    return q === undefined || Number(q.slice(2)) > 0;
  });
}

export function createApiServer(services: PlatformServices, options: ApiServerOptions = {}): ApiServer {
  const log = options.log ?? services.log.child('api');
  const document = loadOpenApi();
  const routes = buildRoutes(document, options.routes ?? Object.values(routeModules));
  const limits = { maxBytes: options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES, maxDepth: options.maxJsonDepth ?? DEFAULT_MAX_JSON_DEPTH };
  const checkHost = createHostCheck({ bindHost: options.host ?? DEFAULT_HOST, extraHosts: options.allowedHosts });
  const cors = createCorsPolicy(options.allowedOrigins ?? DEFAULT_ALLOWED_ORIGINS);
  const authenticators = options.authenticators ?? [];
  const publicApi = createPublicApi(services, { maxBodyBytes: limits.maxBytes, maxJsonDepth: limits.maxDepth });

  const send = (res: ServerResponse, status: number, body: unknown, contentType = 'application/json') => {
    if (body === undefined) {
      res.writeHead(status).end();
      return;
    }
    if (body instanceof JsonBytes) {
      res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': body.bytes.length, Vary: 'Accept-Encoding' });
      res.end(body.bytes);
      return;
    }
    const payload = contentType === 'application/json' ? JSON.stringify(body) : String(body);
    res.writeHead(status, { 'Content-Type': `${contentType}; charset=utf-8`, 'Content-Length': Buffer.byteLength(payload) });
    res.end(payload);
  };

  const toErrorResponse = (err: unknown, requestId: string, requestLog: Logger): { status: number; body: unknown; headers?: Record<string, string> } => {
    if (err instanceof HttpError) return { status: err.status, body: err.body(), headers: err.headers };
    if (err instanceof ApiError) return { status: err.status, body: err.body() };
    if (err instanceof ConnectorLoadError) {
      requestLog.error('connector failed to load', { error: err.cause instanceof Error ? err.cause : err });
      return { status: 500, body: { message: err.message, exceptionClassName: 'ConnectorLoadException' } };
    }
    requestLog.error('unexpected error', { error: err });
    return { status: 500, body: { message: `Internal server error (request id ${requestId}); the server log has the details`, exceptionClassName: 'InternalServerError' } };
  };

  async function route(req: IncomingMessage, res: ServerResponse, requestId: string, requestLog: Logger): Promise<number> {
    // Who may call comes before what is called: Host, then origin, then credentials.
    checkHost(req.headers.host, req.socket.localPort ?? 0);
    if (req.method === 'OPTIONS') {
      cors.preflight(req, res);
      return 204;
    }
    cors.check(req, res);
    const method = req.method ?? 'GET';
    const pathname = requestPath(req.url ?? '/');
    // Airbyte's public API: its own routes and bearer tokens (./public), not the Config API's credentials.
    if (publicApi.handles(pathname)) {
      const answer = await publicApi.serve(req, new URL(req.url ?? '/', `http://${req.headers.host ?? 'localhost'}`), requestId, requestLog);
      for (const [name, value] of Object.entries(answer.headers ?? {})) res.setHeader(name, value);
      send(res, answer.status, answer.body);
      return answer.status;
    }
    if (!PUBLIC_PATHS.has(pathname)) authenticate(req.headers.authorization, authenticators);

    if (pathname === METRICS_PATH && method === 'GET') {
      send(res, 200, await services.metrics.render(), services.metrics.contentType.split(';')[0]);
      return 200;
    }
    const found = pathname.startsWith(`${API_PREFIX}/`) ? routes.get(pathname.slice(API_PREFIX.length)) : undefined;
    if (!found) {
      send(res, 404, { message: `Unknown endpoint ${method} ${pathname}; see ${API_PREFIX}/v1/openapi.yaml`, exceptionClassName: 'NotFoundException' });
      return 404;
    }
    const { operation, handler } = found;
    // RPC operations also take GET with a body: Airbyte guides use `curl -X GET -d '{...}'`.
    const allowed = operation.method === 'post' ? ['POST', 'GET'] : ['GET'];
    if (!allowed.includes(method)) {
      res.setHeader('Allow', [...allowed, 'OPTIONS'].join(', '));
      send(res, 405, { message: `${method} is not allowed on ${pathname}; use ${allowed.join(' or ')}` });
      return 405;
    }
    if (operation.path === '/v1/openapi.yaml') {
      send(res, 200, document.text, 'application/yaml');
      return 200;
    }
    if (!handler) {
      send(res, 501, { message: `${pathname} is not implemented yet`, exceptionClassName: 'NotImplementedException' });
      return 501;
    }
    const body = await readRequestBody(req, operation, limits);
    const result = await handler(body, { services, log: requestLog });
    const response = result instanceof HttpResponse ? result : new HttpResponse(result === undefined ? 204 : 200, result);
    const validateResponse = options.validateResponses && response.status === 200 ? operation.responseValidator() : undefined;
    if (validateResponse && !validateResponse(response.body instanceof JsonBytes ? JSON.parse(response.body.bytes.toString('utf8')) : response.body)) {
      throw new Error(`Response of ${operation.operationId} does not match openapi.yaml: ${JSON.stringify(schemaErrorsToDetails(validateResponse.errors))}`);
    }
    if (response.body instanceof JsonBytes && acceptsGzip(req.headers['accept-encoding'])) {
      const gzipped = await response.body.gzipped();
      res.writeHead(response.status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Encoding': 'gzip', 'Content-Length': gzipped.length, Vary: 'Accept-Encoding' });
      res.end(gzipped);
      return response.status;
    }
    send(res, response.status, response.body, response.contentType);
    return response.status;
  }

  async function dispatch(req: IncomingMessage, res: ServerResponse, requestId: string, requestLog: Logger): Promise<number> {
    try {
      return await route(req, res, requestId, requestLog);
    } catch (err) {
      const { status, body, headers } = toErrorResponse(err, requestId, requestLog);
      for (const [name, value] of Object.entries(headers ?? {})) res.setHeader(name, value);
      send(res, status, body);
      return status;
    }
  }

  const server = createServer((req, res) => {
    const started = performance.now();
    const requestId = (req.headers['x-request-id'] as string | undefined) ?? randomUUID();
    const requestLog = log.child('request', { requestId });
    res.setHeader('X-Request-Id', requestId);
    dispatch(req, res, requestId, requestLog)
      .catch((err) => {
        // Only a failure to write the response gets here.
        requestLog.error('request failed', { error: err });
        if (!res.headersSent) send(res, 500, { message: 'Internal server error' });
        return 500;
      })
      .then((status) => {
        const fields = { method: req.method, path: req.url, status, durationMs: Math.round(performance.now() - started) };
        if (status >= 500) requestLog.warn('request', fields);
        else requestLog.debug('request', fields);
      });
  });

  return {
    server,
    listen: () =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(options.port ?? 8001, options.host ?? DEFAULT_HOST, () => {
          server.off('error', reject);
          const { address, port } = server.address() as AddressInfo;
          const host = address.includes(':') ? `[${address}]` : address;
          resolve(`http://${host}:${port}`);
        });
      }),
    close: (graceMs = 10_000) =>
      new Promise((resolve) => {
        const force = setTimeout(() => server.closeAllConnections(), graceMs);
        server.close(() => {
          clearTimeout(force);
          resolve();
        });
        server.closeIdleConnections();
      }),
  };
}
