// Dremio's REST API (login under /apiv2, the rest under /api/v3) over the query service. Every
// error is a JSON body {errorMessage} with a 4xx status; an unexpected one is a 500 without
// internals (logged here).
import http from 'node:http';
import type net from 'node:net';
import type { AddressInfo } from 'node:net';
import { CatalogError } from '../catalog/catalog';
import type { QueryService } from '../engine/query-service';
import { classifyStatement } from '../sql/dremio-statements';
import type { Sessions } from './auth';
import { nodeJson, pathOfId, rootJson, sourceJson, spaceJson, viewJson } from './catalog-json';
import { errorMessage, JobManager, JobNotFoundError, JobResultsError, MAX_RESULTS_LIMIT, type Job } from './jobs';

export class HttpError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

const MAX_BODY_BYTES = 1 << 20;
const DEFAULT_LIMIT = 100;

interface Request {
  method: string;
  parts: string[];
  query: URLSearchParams;
  body: () => Promise<Record<string, unknown>>;
}

type Reply = { status?: number; json?: unknown; raw?: string };

export function createRestServer(service: QueryService, jobs: JobManager, sessions: Sessions, log: (line: string) => void): http.Server {
  return http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const request: Request = {
      method: req.method ?? 'GET',
      parts: url.pathname.split('/').filter(Boolean).map(decodeURIComponent),
      query: url.searchParams,
      body: () => readJson(req),
    };
    handle(request, req.headers.authorization, service, jobs, sessions)
      .then((reply) => send(res, reply.status ?? 200, reply.raw ?? JSON.stringify(reply.json ?? {})))
      .catch((error: unknown) => {
        const status = error instanceof HttpError ? error.status : error instanceof CatalogError ? error.status : error instanceof JobNotFoundError ? 404 : error instanceof JobResultsError ? 400 : 500;
        if (status === 500) log(`${request.method} ${url.pathname} failed: ${(error as Error).stack ?? String(error)}`);
        const message = status === 500 ? 'Something went wrong in the query service; see its log (pnpm platform logs query)' : (error as Error).message;
        send(res, status, JSON.stringify({ errorMessage: message, moreInfo: '' }));
      });
  });
}

async function handle(req: Request, authorization: string | undefined, service: QueryService, jobs: JobManager, sessions: Sessions): Promise<Reply> {
  const [root, version, resource, ...rest] = req.parts;
  if (root === 'apiv2' && version === 'server_status' && req.method === 'GET') return { json: { status: 'OK' } };
  if (root === 'apiv2' && version === 'login' && req.method === 'POST') {
    const body = await req.body();
    if (!sessions.verify(body.userName, body.password)) throw new HttpError(401, 'Login failed: invalid user name or password');
    const { token, expires } = sessions.login(String(body.userName));
    return { json: { token, userName: body.userName, firstName: '', lastName: '', expires, email: '', userId: body.userName, admin: true, clusterId: 'lake-query', version: 'lake-query (DuckDB)', permissions: { canUploadProfiles: false, canDownloadProfiles: false, canEmailForSupport: false, canChatForSupport: false } } };
  }
  if (root !== 'api' || version !== 'v3') throw new HttpError(404, `no such endpoint: ${req.method} /${req.parts.join('/')}`);
  if (!sessions.userOf(authorization)) throw new HttpError(401, 'Unauthorized: log in with POST /apiv2/login and send "Authorization: _dremio<token>"');

  if (resource === 'sql' && req.method === 'POST') {
    const body = await req.body();
    if (typeof body.sql !== 'string' || !body.sql.trim()) throw new HttpError(400, 'sql: a non-empty SQL string is required');
    const context = body.context ?? [];
    if (!Array.isArray(context) || !context.every((c) => typeof c === 'string')) throw new HttpError(400, 'context: must be a list of names, e.g. ["AirbyteData", "datalake"]');
    return { json: { id: jobs.submit(body.sql, context as string[]).id } };
  }
  if (resource === 'job' && rest.length >= 1) {
    const [id, action] = rest;
    if (!action && req.method === 'GET') return { json: jobJson(jobs.get(id)) };
    if (action === 'cancel' && req.method === 'POST') {
      if (!jobs.cancel(id)) throw new HttpError(400, `Job ${id} has already finished (${jobs.get(id).state}) and cannot be canceled`);
      return { status: 204, raw: '' };
    }
    if (action === 'results' && req.method === 'GET') {
      const offset = integerParam(req.query, 'offset', 0);
      const limit = integerParam(req.query, 'limit', DEFAULT_LIMIT);
      if (limit > MAX_RESULTS_LIMIT) throw new HttpError(400, `limit: at most ${MAX_RESULTS_LIMIT} rows per page (got ${limit})`);
      return { raw: await jobs.resultsJson(id, offset, limit) };
    }
  }
  if (resource === 'catalog') return catalogRoute(req, rest, service);
  throw new HttpError(404, `no such endpoint: ${req.method} /${req.parts.join('/')}`);
}

async function catalogRoute(req: Request, rest: string[], service: QueryService): Promise<Reply> {
  const catalog = service.catalog;
  if (rest.length === 0 && req.method === 'GET') return { json: rootJson(catalog) };
  if (rest.length === 0 && req.method === 'POST') {
    const body = await req.body();
    switch (body.entityType) {
      case 'source':
        return { json: sourceJson(await catalog.createSource(body.name, body.type, body.config)) };
      case 'space':
        return { json: spaceJson(await catalog.createSpace(body.name)) };
      case 'dataset': {
        if (body.type !== 'VIRTUAL_DATASET') throw new HttpError(400, 'type: only VIRTUAL_DATASET (a view) can be created; physical datasets are the lake\'s folders');
        if (!Array.isArray(body.path) || !body.path.every((p) => typeof p === 'string') || typeof body.sql !== 'string') {
          throw new HttpError(400, 'a view needs path (a list of names) and sql');
        }
        const context = Array.isArray(body.sqlContext) ? (body.sqlContext as string[]) : [];
        if (classifyStatement(body.sql).kind !== 'query') throw new HttpError(400, 'sql: a view is defined by a query');
        const create = `CREATE VIEW ${(body.path as string[]).map((p) => `"${p.replaceAll('"', '""')}"`).join('.')} AS ${body.sql}`;
        await service.run(create, { context }, async () => undefined).catch((error: unknown) => {
          throw error instanceof CatalogError ? error : new HttpError(400, errorMessage(error));
        });
        return { json: await viewJson(catalog.findView(body.path as string[])!, service) };
      }
      default:
        throw new HttpError(400, `entityType: "${String(body.entityType)}" cannot be created here (source, space or dataset)`);
    }
  }
  if (rest[0] === 'by-path' && req.method === 'GET') {
    const path = rest.slice(1);
    const node = path.length ? await catalog.nodeAt(path) : undefined;
    if (!node) throw new HttpError(404, `Could not find entity with path [${path.join('.')}]`);
    return { json: await nodeJson(node, service) };
  }
  if (rest.length === 1) {
    const id = rest[0];
    if (req.method === 'DELETE') {
      const path = pathOfId(id);
      if (path) throw new HttpError(400, 'folders and files of a source live in S3; they cannot be deleted here');
      await catalog.delete(id);
      return { status: 204, raw: '' };
    }
    if (req.method === 'PUT') {
      const body = await req.body();
      if (body.entityType !== 'source') throw new HttpError(400, 'only sources can be updated (entityType "source")');
      return { json: sourceJson(await catalog.updateSource(id, body.name, body.config)) };
    }
    if (req.method === 'GET') {
      const node = await nodeById(id, service);
      if (!node) throw new HttpError(404, `Could not find entity with id [${id}]`);
      return { json: await nodeJson(node, service) };
    }
  }
  throw new HttpError(404, `no such endpoint: ${req.method} /api/v3/catalog/${rest.join('/')}`);
}

async function nodeById(id: string, service: QueryService) {
  const path = pathOfId(id);
  if (path) return service.catalog.nodeAt(path);
  const catalog = service.catalog;
  const source = catalog.listSources().find((s) => s.id === id);
  if (source) return catalog.nodeAt([source.name]);
  const space = catalog.listSpaces().find((s) => s.id === id);
  if (space) return catalog.nodeAt([space.name]);
  const view = catalog.listViews().find((v) => v.id === id);
  return view && catalog.nodeAt(view.path);
}

function jobJson(job: Job): unknown {
  return {
    jobState: job.state,
    rowCount: job.state === 'COMPLETED' ? job.rowCount : 0,
    errorMessage: job.errorMessage,
    startedAt: (job.startedAt ?? job.submittedAt).toISOString(),
    ...(job.endedAt ? { endedAt: job.endedAt.toISOString() } : {}),
    queryType: job.queryType,
    queueName: 'SMALL',
    cancellationReason: job.cancellationReason,
  };
}

function integerParam(query: URLSearchParams, name: string, fallback: number): number {
  const raw = query.get(name);
  if (raw === null || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new HttpError(400, `${name}: "${raw}" is not a whole number`);
  return value;
}

async function readJson(req: http.IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new HttpError(413, `the request body is larger than ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (!text.trim()) return {};
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new HttpError(400, 'the request body is not valid JSON');
  }
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw new HttpError(400, 'the request body must be a JSON object');
  return body as Record<string, unknown>;
}

function send(res: http.ServerResponse, status: number, body: string): void {
  res.writeHead(status, status === 204 ? {} : { 'content-type': 'application/json' });
  res.end(status === 204 ? undefined : body);
}

export async function listen(server: net.Server, port: number, host: string): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return (server.address() as AddressInfo).port;
}
