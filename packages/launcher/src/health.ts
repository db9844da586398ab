// One health probe per kind of service, for `platform status`.
import net from 'node:net';
import { isPidAlive } from './processes';
import type { ServiceRecord } from './run-file';

export type Health = { ok: true; detail: string } | { ok: false; detail: string };

const PROBE_TIMEOUT_MS = 2_000;

export async function checkHealth(service: ServiceRecord): Promise<Health> {
  if (!isPidAlive(service.pid)) return { ok: false, detail: 'not running' };
  try {
    switch (service.name) {
      case 'server': {
        const response = await fetch(`${service.url}/api/v1/health`, { signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) });
        const body = (await response.json()) as { available?: boolean };
        return body.available ? { ok: true, detail: 'healthy' } : { ok: false, detail: `unavailable (HTTP ${response.status})` };
      }
      case 's3': {
        const response = await fetch(`${service.url}/healthz`, { signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) });
        await response.body?.cancel();
        return response.ok ? { ok: true, detail: 'healthy' } : { ok: false, detail: `HTTP ${response.status}` };
      }
      case 'query': {
        const response = await fetch(`${service.url}/apiv2/server_status`, { signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) });
        await response.body?.cancel();
        return response.ok ? { ok: true, detail: 'healthy' } : { ok: false, detail: `HTTP ${response.status}` };
      }
      case 'webapp': {
        const response = await fetch(`${service.url}/`, { signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) });
        await response.body?.cancel();
        return response.ok ? { ok: true, detail: 'healthy' } : { ok: false, detail: `HTTP ${response.status}` };
      }
      case 'postgres':
        await tcpConnect(service.port!);
        return { ok: true, detail: 'healthy' };
      case 'worker':
        return { ok: true, detail: 'running' };
    }
  } catch (error) {
    return { ok: false, detail: `unhealthy: ${(error as Error).message}` };
  }
}

function tcpConnect(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port, timeout: PROBE_TIMEOUT_MS });
    socket.once('connect', () => {
      socket.destroy();
      resolve();
    });
    socket.once('timeout', () => {
      socket.destroy();
      reject(new Error('connect timed out'));
    });
    socket.once('error', reject);
  });
}
