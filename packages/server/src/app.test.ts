import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createPlatform } from './app';
import { createLogger } from './shared/logger';
import { ApplicationStore } from './store/application-store';

describe('createPlatform', () => {
  it('hands the routes the domain services only: neither the pool nor a store', async () => {
    // The pool connects lazily; nothing here touches a database.
    const platform = createPlatform({ databaseUrl: 'postgresql://nobody@127.0.0.1:1/none', secretKey: randomBytes(32), log: createLogger('test', { write: () => {} }) });
    try {
      expect(Object.keys(platform.services).sort()).toEqual(['actors', 'applications', 'connections', 'customDefinitions', 'declarativeDefinitions', 'definitions', 'dependencies', 'jobs', 'log', 'metrics', 'notifications', 'operations', 'schemaChanges', 'workspaces']);
      const values: unknown[] = Object.values(platform.services);
      expect(values).not.toContain(platform.pool);
      expect(values).not.toContain(platform.configStore);
      expect(values).not.toContain(platform.jobStore);
      expect(values.some((v) => v instanceof ApplicationStore)).toBe(false);
    } finally {
      await platform.close();
    }
  });
});
