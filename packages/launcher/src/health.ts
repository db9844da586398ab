// One health probe per kind of service, and the server's view of its dependencies, for
// `platform status`.
import { isPidAlive, type WaitStrategy } from '@platform/services';
import { postgresReady, queryReady, s3Ready, webappReady } from './readiness';
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
      case 'worker':
        return { ok: true, detail: 'running' };
      default:
        await probes[service.name](service).waitUntilReady(PROBE_TIMEOUT_MS);
        return { ok: true, detail: 'healthy' };
    }
  } catch (error) {
    return { ok: false, detail: `unhealthy: ${(error as Error).message}` };
  }
}

/** The services probed as the supervisor waits for them to start. */
const probes: Record<'s3' | 'query' | 'webapp' | 'postgres', (service: ServiceRecord) => WaitStrategy> = {
  s3: (service) => s3Ready(service.url!),
  query: (service) => queryReady(service.url!),
  webapp: (service) => webappReady(service.url!),
  postgres: (service) => postgresReady(service.port!),
};

/** GET /api/v1/health: 200 and 503 both carry the body. */
export async function apiHealth(apiUrl: string): Promise<ApiHealth> {
  const response = await fetch(`${apiUrl}/api/v1/health`, { signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) });
  if (response.status !== 200 && response.status !== 503) {
    await response.body?.cancel();
    throw new Error(`HTTP ${response.status}`);
  }
  return (await response.json()) as ApiHealth;
}
