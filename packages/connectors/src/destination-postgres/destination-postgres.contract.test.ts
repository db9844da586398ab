// The shared destination contract, run against a real embedded Postgres with Basic normalization.
// It reads back the raw table: that is what a STATE vouches for (normalization runs at the end of
// a sync); the typed tables are compared with their sources in destination-postgres.test.ts.
import { loadFixtures, runDestinationContractSuite } from '../testing/index';
import { quoteIdentifier } from './identifiers';
import { destinationPostgres, type PostgresDestinationConfig } from './index';
import { FIXTURES_DIR, startDestinationPostgres, type DestinationPostgres } from './test/postgres-fixture';

let db: DestinationPostgres | undefined;

runDestinationContractSuite<PostgresDestinationConfig>({
  name: 'destination-postgres',
  connector: destinationPostgres,
  expectedSecrets: ['password', 'ssl_mode.ca_certificate', 'ssl_mode.client_certificate', 'ssl_mode.client_key', 'ssl_mode.client_key_password'],
  async setup() {
    const started = (db = await startDestinationPostgres());
    const fixtures = await loadFixtures<PostgresDestinationConfig>(FIXTURES_DIR, started.vars);
    return {
      config: fixtures.config,
      invalidConfig: fixtures.invalidConfig,
      configuredCatalog: fixtures.configuredCatalog,
      records: [
        { stream: 'customers', namespace: 'public', data: { id: 1, name: 'Zoë Ærøskøbing 🦆' } },
        { stream: 'customers', namespace: 'public', data: { id: 2, name: '' } },
        { stream: 'customers', namespace: 'public', data: { id: 3, name: null } },
        { stream: 'customers', namespace: 'public', data: { id: 4, name: 'Иван "Ваня", Петров' } },
      ],
      async readBack(stream) {
        const table = `${quoteIdentifier(stream.namespace ?? 'public')}.${quoteIdentifier(`_airbyte_raw_${stream.name}`)}`;
        const exists = await started.sql<{ found: boolean }>('SELECT to_regclass($1) IS NOT NULL AS found', [table]);
        if (!exists.rows[0].found) return [];
        const { rows } = await started.sql<{ _airbyte_data: Record<string, unknown> }>(`SELECT _airbyte_data FROM ${table}`);
        return rows.map((r) => r._airbyte_data);
      },
    };
  },
  teardown: async () => db?.stop(),
});
