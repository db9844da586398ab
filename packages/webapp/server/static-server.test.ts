// @vitest-environment node
// The web UI's server: built files, the UI's routes answered with index.html, and /api/ and
// /query/ forwarded with the upstream's Host and the caller's Authorization. The upstream here
// is a plain node:http server that records what reaches it.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWebappServer, type WebappServer } from './static-server';

interface Seen {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

let dist: string;
let upstream: http.Server;
let upstreamUrl: string;
let seen: Seen[] = [];
let webapp: WebappServer;
const BUNDLE = `console.log(${JSON.stringify('x'.repeat(4000))});`;

beforeAll(async () => {
  dist = mkdtempSync(path.join(tmpdir(), 'webapp-dist-'));
  mkdirSync(path.join(dist, 'assets'));
  writeFileSync(path.join(dist, 'index.html'), '<!doctype html><div id="root"></div>');
  writeFileSync(path.join(dist, 'assets', 'index-abc.js'), BUNDLE);
  writeFileSync(path.join(path.dirname(dist), 'secret-outside.txt'), 'outside');
  upstream = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      seen.push({ method: req.method!, url: req.url!, headers: req.headers, body: Buffer.concat(chunks).toString() });
      res.writeHead(req.url!.includes('missing') ? 404 : 200, { 'Content-Type': 'application/json', 'X-Request-Id': 'r-1' });
      res.end(JSON.stringify({ echoed: req.url }));
    });
  });
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
  webapp = await startWebappServer({ distDir: dist, apiUrl: upstreamUrl, queryUrl: upstreamUrl, port: 0 });
});

afterAll(async () => {
  await webapp?.close();
  await new Promise((resolve) => upstream?.close(resolve));
  rmSync(dist, { recursive: true, force: true });
  rmSync(path.join(path.dirname(dist), 'secret-outside.txt'), { force: true });
});

describe('the web UI server', () => {
  it('answers the UI’s own routes with index.html, never cached', async () => {
    for (const route of ['/', '/connections', '/connections/5c7f/job-history', '/sql']) {
      const res = await fetch(`${webapp.url}${route}`);
      expect(res.status, route).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(res.headers.get('cache-control')).toBe('no-cache');
      expect(await res.text()).toContain('<div id="root">');
    }
  });

  it('serves hashed assets gzipped and cacheable forever; a missing one is a 404', async () => {
    const res = await fetch(`${webapp.url}/assets/index-abc.js`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    const raw = await new Promise<{ encoding?: string; body: Buffer }>((resolve) =>
      http.get(`${webapp.url}/assets/index-abc.js`, { headers: { 'Accept-Encoding': 'gzip' } }, (r) => {
        const chunks: Buffer[] = [];
        r.on('data', (c) => chunks.push(c));
        r.on('end', () => resolve({ encoding: r.headers['content-encoding'], body: Buffer.concat(chunks) }));
      }),
    );
    expect(raw.encoding).toBe('gzip');
    expect(raw.body.length).toBeLessThan(BUNDLE.length / 4);
    expect(gunzipSync(raw.body).toString()).toBe(BUNDLE);
    expect((await fetch(`${webapp.url}/assets/index-old.js`)).status).toBe(404);
  });

  it('never serves a file outside the build', async () => {
    const res = await new Promise<{ status?: number; body: string }>((resolve) =>
      http.get({ host: '127.0.0.1', port: new URL(webapp.url).port, path: '/../secret-outside.txt' }, (r) => {
        let body = '';
        r.on('data', (c) => (body += c));
        r.on('end', () => resolve({ status: r.statusCode, body }));
      }),
    );
    expect(res.body).not.toContain('outside');
  });

  it('forwards /api/ with method, body, Authorization and the API’s own Host, and passes the answer back', async () => {
    seen = [];
    const res = await fetch(`${webapp.url}/api/v1/connections/list?x=1`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: 'Basic dXNlcjpwYXNz', Origin: webapp.url },
      body: '{"workspaceId":"w"}',
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-request-id')).toBe('r-1');
    expect(await res.json()).toEqual({ echoed: '/api/v1/connections/list?x=1' });
    expect(seen).toHaveLength(1);
    const [request] = seen;
    expect(request).toMatchObject({ method: 'POST', url: '/api/v1/connections/list?x=1', body: '{"workspaceId":"w"}' });
    expect(request.headers.host).toBe(new URL(upstreamUrl).host);
    expect(request.headers.authorization).toBe('Basic dXNlcjpwYXNz');
    expect(request.headers['content-type']).toBe('application/json');
    expect(request.headers.origin).toBe(webapp.url);
    expect(request.headers['x-forwarded-host']).toBe(new URL(webapp.url).host);
    const missing = await fetch(`${webapp.url}/api/v1/missing`, { method: 'POST' });
    expect(missing.status).toBe(404);
  });

  it('forwards /query/ to the query service without the prefix', async () => {
    seen = [];
    const res = await fetch(`${webapp.url}/query/api/v3/job/abc/results?offset=0&limit=10`, { headers: { Authorization: '_dremiotoken' } });
    expect(await res.json()).toEqual({ echoed: '/api/v3/job/abc/results?offset=0&limit=10' });
    expect(seen[0].headers.authorization).toBe('_dremiotoken');
  });

  it('answers 502 naming the API and what to run when the API does not answer', async () => {
    const lonely = await startWebappServer({ distDir: dist, apiUrl: 'http://127.0.0.1:1', port: 0 });
    try {
      const res = await fetch(`${lonely.url}/api/v1/health`);
      expect(res.status).toBe(502);
      const body = await res.json();
      expect(body.message).toContain('Config API at http://127.0.0.1:1 did not answer (ECONNREFUSED)');
      expect(body.message).toContain('pnpm platform status');
    } finally {
      await lonely.close();
    }
  });

  it('refuses to start without a build, naming the command that makes it', async () => {
    await expect(startWebappServer({ distDir: path.join(dist, 'nope'), apiUrl: upstreamUrl, port: 0 })).rejects.toThrow('pnpm --filter @platform/webapp build');
  });
});
