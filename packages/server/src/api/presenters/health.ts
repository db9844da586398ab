// Dependency probes → the API's HealthCheckRead: `available` (Airbyte's field) holds only
// when every dependency answers.
import type { ApiSchemas } from '../../schemas/api-schemas';
import type { DependencyHealth } from '../../services/dependency-checks';

export function toHealthCheckRead(dependencies: Record<string, DependencyHealth>): ApiSchemas['HealthCheckRead'] {
  return { available: Object.values(dependencies).every((d) => d.available), dependencies };
}
