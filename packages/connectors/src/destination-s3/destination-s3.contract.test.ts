// The shared destination contract, run against a real SeaweedFS with the Parquet fixture config.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadFixtures } from '../testing/fixtures';
import { runDestinationContractSuite } from '../testing/destination-contract';
import { destinationS3, type S3DestinationConfig } from './index';
import { BUCKET, listKeys, queryParquet, startLake, type Lake } from './test/lake';

const FIXTURES = fileURLToPath(new URL('./test', import.meta.url));
let lake: Lake | undefined;

runDestinationContractSuite<S3DestinationConfig>({
  name: 'destination-s3',
  connector: destinationS3,
  expectedSecrets: ['access_key_id', 'secret_access_key'],
  async setup() {
    const started = (lake = await startLake());
    const fixtures = await loadFixtures(FIXTURES, {
      BUCKET,
      ENDPOINT: started.server.endpoint,
      ACCESS_KEY_ID: started.server.accessKeyId,
      SECRET_ACCESS_KEY: started.server.secretAccessKey,
    });
    return {
      config: fixtures.config as unknown as S3DestinationConfig,
      invalidConfig: fixtures.invalidConfig,
      configuredCatalog: fixtures.configuredCatalog,
      records: [
        { stream: 'customers', namespace: 'public', data: { id: 1, name: 'Zoë Ærøskøbing 🦆' } },
        { stream: 'customers', namespace: 'public', data: { id: 2, name: '' } },
        { stream: 'customers', namespace: 'public', data: { id: 3, name: null } },
        { stream: 'customers', namespace: 'public', data: { id: 4, name: 'Иван "Ваня", Петров' } },
      ],
      async readBack(stream) {
        const keys = await listKeys(started, join('airbyte-data', stream.namespace ?? '', stream.name) + '/');
        if (keys.length === 0) return [];
        // to_json gives plain JSON values (BIGINT as a number), as the records carry them.
        const rows = await queryParquet(started, keys, 'SELECT to_json(lake) AS row FROM lake');
        return rows.map((r) => JSON.parse(r.row as string) as Record<string, unknown>);
      },
    };
  },
  teardown: async () => lake?.stop(),
});
