// The launcher's side of the engine without an engine: no engine answering (a missing socket,
// something else on the port, silence), `auto`'s choice, Docker's log framing, and how a pull
// that fails is reported. No Docker engine runs on these machines, so the pull is exercised
// against a stand-in speaking the two Engine API calls involved, answering as the engine does
// when a registry refuses (HTTP error) or a pull breaks midway (an error in the progress stream).
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import Docker from 'dockerode';
import { afterAll, afterEach, expect, test } from 'vitest';
import { chooseRuntime } from './runtime-choice';
import { demultiplex, EngineUnavailableError, ImagePullError, probeEngine, pullMissingImages, requireEngine } from './engine';

const root = mkdtempSync(path.join(tmpdir(), 'engine-test-'));
const servers: Server[] = [];
const savedHost = process.env.DOCKER_HOST;
afterEach(() => {
  if (savedHost === undefined) delete process.env.DOCKER_HOST;
  else process.env.DOCKER_HOST = savedHost;
});
afterAll(() => {
  servers.forEach((s) => s.close());
  rmSync(root, { recursive: true, force: true });
});

async function listening<T extends Server>(server: T): Promise<number> {
  servers.push(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return (server.address() as AddressInfo).port;
}

test('no engine at DOCKER_HOST: the error names where it looked and the fix', async () => {
  process.env.DOCKER_HOST = `unix://${path.join(root, 'missing.sock')}`;
  const error = await requireEngine(new Docker()).catch((e: Error) => e);
  expect(error).toBeInstanceOf(EngineUnavailableError);
  expect((error as Error).message).toBe(
    `no Docker engine answers at unix://${path.join(root, 'missing.sock')} (ENOENT: connect ENOENT ${path.join(root, 'missing.sock')}): start Docker (or point DOCKER_HOST at one), or use the embedded runtime: pnpm platform up --runtime embedded`,
  );
});

test('something that is not an engine, or an engine that never answers, is no engine', async () => {
  const notDocker = await listening(createHttpServer((_, res) => res.writeHead(404).end('not here')));
  process.env.DOCKER_HOST = `tcp://127.0.0.1:${notDocker}`;
  expect(await probeEngine(new Docker())).toEqual({ unavailable: expect.stringMatching(/404/) });
  const silent = await listening(createServer(() => {}));
  process.env.DOCKER_HOST = `tcp://127.0.0.1:${silent}`;
  expect(await probeEngine(new Docker(), 300)).toEqual({ unavailable: 'no answer within 0.3 s' });
});

test('runtime auto takes the embedded runtime when no engine answers, and says why', async () => {
  process.env.DOCKER_HOST = `unix://${path.join(root, 'missing.sock')}`;
  expect(await chooseRuntime('auto')).toEqual({ runtime: 'embedded', reason: expect.stringMatching(/^runtime auto: embedded, no Docker engine answers \(ENOENT/) });
  expect(await chooseRuntime('docker')).toEqual({ runtime: 'docker' });
  expect(await chooseRuntime('auto', async () => ({ cpus: 8, memoryBytes: 2 ** 34, serverVersion: '28.2.2' }))).toEqual({ runtime: 'docker', reason: 'runtime auto: docker, Docker 28.2.2 answers (8 CPUs)' });
});

test('a container’s multiplexed log splits into stdout and stderr', () => {
  const frame = (stream: number, text: string) => {
    const payload = Buffer.from(text);
    const header = Buffer.alloc(8);
    header[0] = stream;
    header.writeUInt32BE(payload.length, 4);
    return Buffer.concat([header, payload]);
  };
  const out = new PassThrough();
  const errors = new PassThrough();
  demultiplex(Buffer.concat([frame(1, 'started\n'), frame(2, 'warning: x\n'), frame(1, 'ready\n')]), out, errors);
  expect(out.read().toString()).toBe('started\nready\n');
  expect(errors.read().toString()).toBe('warning: x\n');
});

test('an image that cannot be pulled is named, with the registry’s reason', async () => {
  // Stand-in for the Engine API: images are missing; one pull is refused, one breaks midway.
  const engine = await listening(
    createHttpServer((req, res) => {
      const url = new URL(req.url!, 'http://engine');
      if (req.method === 'GET' && /\/images\/.+\/json$/.test(url.pathname)) return res.writeHead(404, { 'content-type': 'application/json' }).end('{"message":"No such image"}');
      if (req.method === 'POST' && url.pathname.endsWith('/images/create')) {
        if (url.searchParams.get('fromImage')?.includes('refused')) {
          return res.writeHead(404, { 'content-type': 'application/json' }).end('{"message":"manifest for example/refused:1.0 not found: manifest unknown"}');
        }
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write('{"status":"Pulling from example/broken","id":"1.0"}\n');
        return res.end('{"errorDetail":{"message":"unexpected EOF"},"error":"unexpected EOF"}\n');
      }
      res.writeHead(404).end();
    }),
  );
  const docker = new Docker({ host: '127.0.0.1', port: engine, protocol: 'http' });
  const pulling: string[] = [];
  const refused = await pullMissingImages(docker, ['example/refused:1.0'], (image) => pulling.push(image)).catch((e: Error) => e);
  expect(refused).toBeInstanceOf(ImagePullError);
  expect((refused as Error).message).toBe('the image example/refused:1.0 cannot be pulled: manifest for example/refused:1.0 not found: manifest unknown (is the registry reachable? `docker pull example/refused:1.0` shows the same)');
  const broken = await pullMissingImages(docker, ['example/broken:1.0'], (image) => pulling.push(image)).catch((e: Error) => e);
  expect((broken as Error).message).toMatch(/^the image example\/broken:1\.0 cannot be pulled: unexpected EOF/);
  expect(pulling).toEqual(['example/refused:1.0', 'example/broken:1.0']);
});
