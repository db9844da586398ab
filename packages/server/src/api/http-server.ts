// The HTTP transport (design example 4: thin). node:http, RPC routing from openapi.yaml,
// request validation, JSON serialization, CORS and JSON errors. Handlers only translate
// to services; this file knows nothing about sources or connections.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { PlatformServices } from '../app';
import { ConnectorLoadError } from '../config/definitions';
import { ApiError, BadRequestError, InvalidInputError } from '../errors';
import type { Logger } from '../logger';
import { schemaErrorsToDetails } from '@platform/connectors';
import { loadOpenApi, type OpenApiDocument, type Operation } from './openapi';
import { HttpResponse, type RouteHandler, type RouteModule } from './route';
import * as routeModules from './routes/index';

const API_PREFIX = '/api';
const DEFAULT_MAX_BODY_BYTES = 10 * 1024 * 1024;

export interface ApiServerOptions {
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  log?: Logger;
  /** Access-Control-Allow-Origin for the web UI; `*` by default. */
  corsOrigin?: string;
  /** Check every 200 body against the document and answer 500 on a mismatch (tests). */
  validateResponses?: boolean;
  /** Defaults to every module of ./routes/index. */
  routes?: RouteModule[];
  maxBodyBytes?: number;
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

class PayloadTooLargeError extends ApiError {
  readonly status = 413;
  readonly exceptionClassName = 'PayloadTooLargeException';
}

function readBody(req: IncomingMessage, maxBytes: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBytes) chunks.push(chunk);
    });
    req.on('end', () => {
      if (size > maxBytes) reject(new PayloadTooLargeError(`Request body exceeds ${maxBytes} bytes`));
      else resolve(Buffer.concat(chunks).toString('utf8'));
    });
    req.on('error', reject);
  });
}

/** The validated body of an RPC call; `{}` for an optional body that was not sent. */
function parseBody(text: string, operation: Operation): unknown {
  const validate = operation.bodyValidator();
  if (!validate) return {};
  if (text.trim() === '') {
    if (operation.bodyRequired) throw new InvalidInputError('Request body is required', [{ path: '(body)', message: 'is required: send a JSON object' }]);
    return {};
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (err) {
    throw new BadRequestError(`Malformed JSON in request body: ${(err as Error).message}`);
  }
  if (!validate(body)) throw new InvalidInputError('Invalid request body', schemaErrorsToDetails(validate.errors));
  return body;
}

export function createApiServer(services: PlatformServices, options: ApiServerOptions = {}): ApiServer {
  const log = options.log ?? services.log.child('api');
  const document = loadOpenApi();
  const routes = buildRoutes(document, options.routes ?? Object.values(routeModules));
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const corsOrigin = options.corsOrigin ?? '*';

  const send = (res: ServerResponse, status: number, body: unknown, contentType = 'application/json') => {
    if (body === undefined) {
      res.writeHead(status).end();
      return;
    }
    const payload = contentType === 'application/json' ? JSON.stringify(body) : String(body);
    res.writeHead(status, { 'Content-Type': `${contentType}; charset=utf-8`, 'Content-Length': Buffer.byteLength(payload) });
    res.end(payload);
  };

  const toErrorResponse = (err: unknown, requestId: string, requestLog: Logger): { status: number; body: unknown } => {
    if (err instanceof ApiError) return { status: err.status, body: err.body() };
    if (err instanceof ConnectorLoadError) {
      requestLog.error('connector failed to load', { error: err.cause instanceof Error ? err.cause : err });
      return { status: 500, body: { message: err.message, exceptionClassName: 'ConnectorLoadException' } };
    }
    requestLog.error('unexpected error', { error: err });
    return { status: 500, body: { message: `Internal server error (request id ${requestId}); the server log has the details`, exceptionClassName: 'InternalServerError' } };
  };

  async function dispatch(req: IncomingMessage, res: ServerResponse, requestId: string, requestLog: Logger): Promise<number> {
    const method = req.method ?? 'GET';
    const pathname = new URL(req.url ?? '/', 'http://localhost').pathname.replace(/\/+$/, '');
    const route = pathname.startsWith(`${API_PREFIX}/`) ? routes.get(pathname.slice(API_PREFIX.length)) : undefined;
    if (!route) {
      send(res, 404, { message: `Unknown endpoint ${method} ${pathname}; see ${API_PREFIX}/v1/openapi.yaml`, exceptionClassName: 'NotFoundException' });
      return 404;
    }
    const { operation } = route;
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
    if (!route.handler) {
      send(res, 501, { message: `${pathname} is not implemented yet`, exceptionClassName: 'NotImplementedException' });
      return 501;
    }
    try {
      const body = parseBody(await readBody(req, maxBodyBytes), operation);
      const result = await route.handler(body, { services, log: requestLog });
      const response = result instanceof HttpResponse ? result : new HttpResponse(result === undefined ? 204 : 200, result);
      const validateResponse = options.validateResponses && response.status === 200 ? operation.responseValidator() : undefined;
      if (validateResponse && !validateResponse(response.body)) {
        throw new Error(`Response of ${operation.operationId} does not match openapi.yaml: ${JSON.stringify(schemaErrorsToDetails(validateResponse.errors))}`);
      }
      send(res, response.status, response.body, response.contentType);
      return response.status;
    } catch (err) {
      const { status, body } = toErrorResponse(err, requestId, requestLog);
      send(res, status, body);
      return status;
    }
  }

  const server = createServer((req, res) => {
    const started = performance.now();
    const requestId = (req.headers['x-request-id'] as string | undefined) ?? randomUUID();
    const requestLog = log.child('request', { requestId });
    res.setHeader('X-Request-Id', requestId);
    res.setHeader('Access-Control-Allow-Origin', corsOrigin);
    res.setHeader('Access-Control-Expose-Headers', 'X-Request-Id');
    if (req.method === 'OPTIONS') {
      res.setHeader('Access-Control-Allow-Methods', 'GET, POST, OPTIONS');
      res.setHeader('Access-Control-Allow-Headers', req.headers['access-control-request-headers'] ?? 'Content-Type, Authorization');
      res.setHeader('Access-Control-Max-Age', '600');
      res.writeHead(204).end();
      return;
    }
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
        server.listen(options.port ?? 8001, options.host ?? '127.0.0.1', () => {
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
