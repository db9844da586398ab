// GET /health: Airbyte's public health check (200, no body), answered without a token as
// liveness probes need; the Config API's /api/v1/health reports the dependencies.
import type { PublicRoute } from '../public-route';

export const healthRoutes: PublicRoute[] = [{ method: 'GET', path: '/health', anonymous: true, handler: async () => ({ status: 200 }) }];
