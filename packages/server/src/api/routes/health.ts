import { HttpResponse, type RouteModule } from '../route';

export const healthRoutes: RouteModule = {
  // Available means the database answers too: a launcher waiting on /health can then seed.
  async health(_body, { services }) {
    try {
      await services.pool.query('SELECT 1');
      return { available: true };
    } catch {
      return new HttpResponse(503, { available: false });
    }
  },
};
