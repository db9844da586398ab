import http from 'node:http';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReadinessTimeoutError } from './errors.js';
import { freePort } from './ports.js';
import { wait } from './wait.js';

describe('wait strategies', () => {
  let server: http.Server;
  let port: number;
  beforeAll(async () => {
    server = http.createServer((req, res) => res.writeHead(req.url === '/health' ? 200 : 503).end());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as net.AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('is ready when every strategy is', async () => {
    await wait.all(wait.forListeningPorts('127.0.0.1', port), wait.forHttp(`http://127.0.0.1:${port}/health`)).waitUntilReady(2_000);
    await wait.forHttp(`http://127.0.0.1:${port}/other`, { status: 503 }).waitUntilReady(2_000);
  });

  it('times out naming the strategy and the last error', async () => {
    const closed = await freePort();
    const err = await wait.forListeningPorts('127.0.0.1', closed).waitUntilReady(1_000).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ReadinessTimeoutError);
    expect((err as Error).message).toMatch(new RegExp(`TCP port 127.0.0.1:${closed} was not ready after 1000 ms.*ECONNREFUSED`));

    const http503 = await wait.forHttp(`http://127.0.0.1:${port}/other`).waitUntilReady(1_000).catch((e: unknown) => e);
    expect((http503 as Error).message).toContain('got HTTP 503');
  });

  it('stops waiting when the signal aborts', async () => {
    const ac = new AbortController();
    setTimeout(() => ac.abort(new Error('process exited')), 100);
    await expect(wait.forListeningPorts('127.0.0.1', await freePort()).waitUntilReady(10_000, ac.signal)).rejects.toThrow('process exited');
  });
});
