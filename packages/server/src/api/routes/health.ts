import { toHealthCheckRead } from '../presenters/health';
import { HttpResponse, type RouteModule } from '../route';

export const healthRoutes: RouteModule = {
  // Unavailable answers 503: a launcher waiting on /health can then seed only once the database
  // answers, and syncs need the platform's S3 server.
  async health(_body, { services }) {
    const health = toHealthCheckRead(await services.dependencies.check());
    return health.available ? health : new HttpResponse(503, health);
  },
};
