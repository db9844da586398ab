// source-file over HTTP against a real node:http server on a free 127.0.0.1 port.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { freePort } from '@platform/services';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FileSourceConfig } from './config';
import { checkMessage, readAll } from './test/read-helpers';

const FILES: Record<string, { body: Buffer | string; headers?: Record<string, string> }> = {
  '/people.csv': { body: 'id,name\n1,Ann\n2,"Ben, Jr."\n' },
  // Served compressed with Content-Encoding: fetch undoes that; the sniffing must then see plain text.
  '/encoded.csv': { body: gzipSync('id,name\n1,Ann\n'), headers: { 'content-encoding': 'gzip' } },
  // A .gz download without any hint in the headers.
  '/archive.csv.gz': { body: gzipSync('id,name\n1,Ann\n'), headers: { 'content-type': 'application/octet-stream' } },
  // A .gz name served with Content-Encoding: fetch decodes it, so it must not be gunzipped twice.
  '/transparent.csv.gz': { body: gzipSync('id,name\n1,Ann\n'), headers: { 'content-encoding': 'gzip' } },
  '/events.jsonl': { body: '{"id":1}\n{"id":2}\n' },
  '/page.html': { body: '<html>\n<body>\n<p>Hello, "world</p>\n</body>\n</html>\n', headers: { 'content-type': 'text/html' } },
};

let server: Server;
let base: string;
let lastHeaders: IncomingHttpHeaders = {};

const http = (path: string, extra: Partial<FileSourceConfig> = {}): FileSourceConfig => ({
  dataset_name: 'people',
  format: 'csv',
  url: `${base}${path}`,
  provider: { storage: 'HTTPS' },
  ...extra,
});

beforeAll(async () => {
  server = createServer((req, res) => {
    lastHeaders = req.headers;
    const file = FILES[req.url ?? ''];
    if (req.url === '/private.csv') return void res.writeHead(403).end('forbidden');
    if (req.url === '/flaky.csv') return void res.writeHead(503).end('busy');
    if (!file) return void res.writeHead(404).end('not found');
    res.writeHead(200, { 'content-type': 'text/csv', ...file.headers });
    res.end(file.body);
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

describe('source-file over HTTP', () => {
  it('streams a CSV from a web server', async () => {
    expect(await checkMessage(http('/people.csv'))).toBe('SUCCEEDED');
    const { records } = await readAll(http('/people.csv'));
    expect(records).toEqual([
      { id: 1, name: 'Ann' },
      { id: 2, name: 'Ben, Jr.' },
    ]);
  });

  it('handles Content-Encoding gzip and a plain .gz download', async () => {
    for (const path of ['/encoded.csv', '/archive.csv.gz', '/transparent.csv.gz']) {
      expect((await readAll(http(path))).records, path).toEqual([{ id: 1, name: 'Ann' }]);
    }
  });

  it('reads JSON lines', async () => {
    expect((await readAll(http('/events.jsonl', { format: 'jsonl' }))).records).toEqual([{ id: 1 }, { id: 2 }]);
  });

  it('sends an Airbyte User-Agent when user_agent is on', async () => {
    await checkMessage(http('/people.csv', { provider: { storage: 'HTTPS', user_agent: true } }));
    expect(lastHeaders['user-agent']).toMatch(/^Airbyte\//);
  });

  it.each([
    ['a 404', '/missing.csv', /^File not found: http:\/\/127\.0\.0\.1:\d+\/missing\.csv \(HTTP 404 Not Found\)$/],
    ['a 403', '/private.csv', /^Access denied to .*private\.csv \(HTTP 403 Forbidden\)$/],
    ['a 503', '/flaky.csv', /^The server failed to serve .*flaky\.csv \(HTTP 503 Service Unavailable\); try again later$/],
    ['an HTML page configured as jsonl', '/page.html', /line 1 is not valid JSON/],
  ])('check fails clearly for %s', async (_, path, message) => {
    const config = http(path, path.endsWith('.html') ? { format: 'jsonl' } : {});
    expect(await checkMessage(config)).toMatch(message);
  });

  it('check fails clearly for an unreachable host', async () => {
    const closedPort = await freePort();
    const message = await checkMessage({ ...http('/x.csv'), url: `http://127.0.0.1:${closedPort}/x.csv` });
    expect(message).toBe(`Cannot reach the server holding http://127.0.0.1:${closedPort}/x.csv (ECONNREFUSED)`);
  });
});
