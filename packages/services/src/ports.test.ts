import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { PortInUseError } from './errors.js';
import { assertPortFree, freePort, freePorts } from './ports.js';

describe('ports', () => {
  it('finds distinct free ports', async () => {
    const ports = await freePorts(5);
    expect(new Set(ports).size).toBe(5);
    await assertPortFree(await freePort());
  });

  it('names the port, its user and the fix when the port is taken', async () => {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as net.AddressInfo;
    try {
      const err = await assertPortFree(port, '127.0.0.1', 'API server').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(PortInUseError);
      expect((err as Error).message).toBe(
        `port ${port} (API server) is already in use on 127.0.0.1 — stop what holds it or choose another port in config/platform.yaml`,
      );
    } finally {
      server.close();
    }
  });
});
