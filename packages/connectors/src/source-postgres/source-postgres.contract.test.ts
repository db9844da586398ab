import { loadFixtures, runSourceContractSuite } from '../testing/index';
import { sourcePostgres, type PostgresSourceConfig } from './index';
import { FIXTURES_DIR, startFixturePostgres, type FixturePostgres } from './test/postgres-fixture';

let db: FixturePostgres | undefined;

runSourceContractSuite({
  name: 'source-postgres',
  connector: sourcePostgres,
  expectedSecrets: ['password', 'ssl_mode.ca_certificate', 'ssl_mode.client_key', 'ssl_mode.client_key_password'],
  setup: async () => {
    db = await startFixturePostgres();
    const fixtures = await loadFixtures<PostgresSourceConfig>(FIXTURES_DIR, db.vars);
    const expectedRecords = fixtures.expectedRecords!;
    return {
      ...fixtures,
      // state.json stops after the first of three orders sharing 2024-01-03.
      expectedRecordsAfterState: expectedRecords.filter((r) => r.stream === 'orders' && (r.data.order_id as number) >= 4),
      addRecords: async () => {
        // Order 7 shares the last cursor value (2024-01-04) with order 6, which was already read.
        await db!.sql(`INSERT INTO public.orders VALUES (7, 1, 70.00, '2024-01-04 00:00:00+00'), (8, 2, 80.25, '2024-01-05 12:00:00+00')`);
        return [
          { stream: 'orders', namespace: 'public', data: { order_id: 7, customer_id: 1, amount: 70, created_at: '2024-01-04T00:00:00Z' } },
          { stream: 'orders', namespace: 'public', data: { order_id: 8, customer_id: 2, amount: 80.25, created_at: '2024-01-05T12:00:00Z' } },
        ];
      },
    };
  },
  teardown: async () => {
    await db?.stop();
  },
});
