import { HttpResponse, type RouteModule } from '../route';

export const healthRoutes: RouteModule = {
  // `available` (Airbyte's field) holds only when every dependency answers: the database (a
  // launcher waiting on /health can then seed) and the platform's S3 server (syncs need it).
  async health(_body, { services }) {
    const dependencies = await services.dependencies.check();
    const available = Object.values(dependencies).every((d) => d.available);
    return available ? { available, dependencies } : new HttpResponse(503, { available, dependencies });
  },
};
