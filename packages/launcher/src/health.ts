// One health probe per kind of service, and the server's view of its dependencies, for
// `platform status`.
import { isPidAlive, wait } from '@platform/services';
import type { ServiceRecord } from './run-file';

export type Health = { ok: true; detail: string } | { ok: false; detail: string };

/** The server's /health body: Airbyte's `available`, and each dependency's. */
export interface ApiHealth {
  available: boolean;
  dependencies?: Record<string, { available: boolean; error?: string }>;
}

const PROBE_TIMEOUT_MS = 5_000;

export async function checkHealth(service: ServiceRecord): Promise<Health> {
  if (!isPidAlive(service.pid)) return { ok: false, detail: 'not running' };
  try {
    switch (service.name) {
      case 'server': {
        const health = await apiHealth(service.url!);
        if (health.available) return { ok: true, detail: 'healthy' };
        const down = Object.entries(health.dependencies ?? {}).filter(([, d]) => !d.available);
        return { ok: false, detail: `degraded (${down.map(([name]) => name).join(', ') || 'unavailable'})` };
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
        await wait.forPort('127.0.0.1', service.port!).waitUntilReady(PROBE_TIMEOUT_MS);
        return { ok: true, detail: 'healthy' };
      case 'worker':
        return { ok: true, detail: 'running' };
    }
  } catch (error) {
    return { ok: false, detail: `unhealthy: ${(error as Error).message}` };
  }
}

/** GET /api/v1/health: 200 and 503 both carry the body. */
export async function apiHealth(apiUrl: string): Promise<ApiHealth> {
  const response = await fetch(`${apiUrl}/api/v1/health`, { signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) });
  if (response.status !== 200 && response.status !== 503) {
    await response.body?.cancel();
    throw new Error(`HTTP ${response.status}`);
  }
  return (await response.json()) as ApiHealth;
}
