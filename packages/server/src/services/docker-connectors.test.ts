// The engine probe with this machine's real docker client: no engine behind DOCKER_HOST, an
// engine address that never answers (bounded by the probe's timeout, not a hang), no client.
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probeDockerEngine } from './docker-connectors';

let dir: string;
let silent: Server;
const sockets: Socket[] = [];
let silentPort: number;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'airlock-docker-probe-'));
  // Accepts connections and never answers: an engine that hangs.
  silent = createServer((socket) => sockets.push(socket));
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  silentPort = (silent.address() as { port: number }).port;
});
afterAll(async () => {
  for (const s of sockets) s.destroy();
  await new Promise((resolve) => silent?.close(resolve));
  await rm(dir, { recursive: true, force: true });
});

describe('probeDockerEngine', () => {
  it("says why when no engine listens where the client looks, in the client's own words", async () => {
    const socket = join(dir, 'docker.sock');
    expect(await probeDockerEngine({ ...process.env, DOCKER_HOST: `unix://${socket}` })).toBe(`Cannot connect to the Docker daemon at unix://${socket}. Is the docker daemon running?`);
  });

  it('gives up on an engine that never answers after its timeout', async () => {
    expect(await probeDockerEngine({ ...process.env, DOCKER_HOST: `tcp://127.0.0.1:${silentPort}` }, 1_000)).toBe('no answer within 1 s');
  });

  it('says the client is missing when there is none', async () => {
    expect(await probeDockerEngine({ ...process.env, PATH: dir })).toBe('the docker command is not installed');
  });
});
