// The web UI's server on ports.webapp, as Airbyte's webapp container does it: the built
// files (dist/, any other path answers index.html so the UI's own routes load), `/api/`
// forwarded to the Config API and `/query/` to the query service's REST API. Forwarded
// requests carry the upstream's Host (the API only answers its own host names) and keep
// Authorization; an upstream that does not answer is a 502 saying which one.
import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

export interface WebappServerOptions {
  /** The built UI (vite's outDir). */
  distDir: string;
  /** The Config API's root, e.g. http://127.0.0.1:8001. */
  apiUrl: string;
  /** The query service's REST root, e.g. http://127.0.0.1:9047; without it /query/ answers 502. */
  queryUrl?: string;
  host?: string;
  /** 0 picks a free port. */
  port: number;
  log?: (line: string) => void;
}

export interface WebappServer {
  url: string;
  close(): Promise<void>;
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
};
// Headers that describe one hop, never forwarded (RFC 9110 §7.6.1).
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te', 'trailer', 'host']);
const GZIP_MIN_BYTES = 1024;

export async function startWebappServer(options: WebappServerOptions): Promise<WebappServer> {
  const distDir = path.resolve(options.distDir);
  const indexFile = path.join(distDir, 'index.html');
  if (!existsSync(indexFile)) throw new Error(`the web UI is not built: ${indexFile} is missing (run: pnpm --filter @platform/webapp build)`);
  const log = options.log ?? (() => undefined);
  const gzipCache = new Map<string, { mtimeMs: number; body: Buffer }>();

  const serveFile = (req: IncomingMessage, res: ServerResponse, file: string, immutable: boolean) => {
    const stat = statSync(file);
    const type = CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream';
    const headers: Record<string, string | number> = {
      'Content-Type': type,
      'Cache-Control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
      'X-Content-Type-Options': 'nosniff',
      Vary: 'Accept-Encoding',
    };
    const acceptsGzip = /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
    if (acceptsGzip && stat.size >= GZIP_MIN_BYTES && /text|json|svg/.test(type)) {
      let cached = gzipCache.get(file);
      if (!cached || cached.mtimeMs !== stat.mtimeMs) gzipCache.set(file, (cached = { mtimeMs: stat.mtimeMs, body: gzipSync(readFileSync(file)) }));
      res.writeHead(200, { ...headers, 'Content-Encoding': 'gzip', 'Content-Length': cached.body.length });
      res.end(req.method === 'HEAD' ? undefined : cached.body);
      return;
    }
    res.writeHead(200, { ...headers, 'Content-Length': stat.size });
    if (req.method === 'HEAD') res.end();
    else createReadStream(file).pipe(res);
  };

  const forward = (req: IncomingMessage, res: ServerResponse, upstream: string, upstreamPath: string, what: string) => {
    const target = new URL(upstreamPath, upstream);
    const headers: http.OutgoingHttpHeaders = {};
    for (const [name, value] of Object.entries(req.headers)) if (!HOP_BY_HOP.has(name) && value !== undefined) headers[name] = value;
    headers.host = target.host;
    headers['x-forwarded-host'] = req.headers.host ?? '';
    headers['x-forwarded-proto'] = 'http';
    const proxied = http.request(target, { method: req.method, headers }, (answer) => {
      const back: http.OutgoingHttpHeaders = {};
      for (const [name, value] of Object.entries(answer.headers)) if (!HOP_BY_HOP.has(name) && value !== undefined) back[name] = value;
      res.writeHead(answer.statusCode ?? 502, back);
      answer.pipe(res);
    });
    proxied.on('error', (error: NodeJS.ErrnoException) => {
      log(`${what} at ${upstream} did not answer ${req.method} ${req.url}: ${error.code ?? error.message}`);
      if (res.headersSent) {
        res.destroy();
        return;
      }
      const body = JSON.stringify({ message: `The ${what} at ${upstream} did not answer (${error.code ?? error.message}); check it with: pnpm platform status`, exceptionClassName: 'BadGatewayException' });
      res.writeHead(502, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(body) });
      res.end(body);
    });
    req.pipe(proxied);
  };

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://webapp');
    if (url.pathname === '/api' || url.pathname.startsWith('/api/')) return forward(req, res, options.apiUrl, `${url.pathname}${url.search}`, 'Config API');
    if (url.pathname === '/query' || url.pathname.startsWith('/query/')) {
      if (!options.queryUrl) return forward(req, res, 'http://127.0.0.1:1', '/', 'query service');
      return forward(req, res, options.queryUrl, `${url.pathname.slice('/query'.length) || '/'}${url.search}`, 'query service');
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD', 'Content-Type': 'text/plain; charset=utf-8' }).end('The web UI only serves GET and HEAD; the API is under /api/.');
      return;
    }
    let relative: string;
    try {
      relative = decodeURIComponent(url.pathname);
    } catch {
      res.writeHead(400, { 'Content-Type': 'text/plain; charset=utf-8' }).end('Malformed path');
      return;
    }
    const file = path.join(distDir, path.normalize(relative));
    const inside = file.startsWith(distDir + path.sep);
    if (inside && existsSync(file) && statSync(file).isFile()) return serveFile(req, res, file, relative.startsWith('/assets/'));
    // A missing asset is a 404 (an old tab asking for a replaced bundle), any other path is a UI route.
    if (relative.startsWith('/assets/')) {
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end(`No file ${relative}; reload the page`);
      return;
    }
    serveFile(req, res, indexFile, false);
  });

  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      const { address, port } = server.address() as AddressInfo;
      resolve({
        url: `http://${address.includes(':') ? `[${address}]` : address}:${port}`,
        close: () =>
          new Promise((done) => {
            server.close(() => done());
            server.closeIdleConnections();
          }),
      });
    });
  });
}
