// The shared source contract, run against the fixture file in a real SeaweedFS bucket.
// Airbyte's file source has no incremental sync (spec supportsIncremental: false), so the suite checks that it refuses one.
import { loadFixtures, runSourceContractSuite } from '../testing/index';
import type { FileSourceConfig } from './config';
import { sourceFile } from './index';
import { FIXTURES_DIR, startFixtureBucket, type FixtureBucket } from './test/s3-fixture';

let bucket: FixtureBucket | undefined;

runSourceContractSuite<FileSourceConfig>({
  name: 'source-file',
  connector: sourceFile,
  expectedSecrets: ['provider.aws_secret_access_key', 'provider.aws_access_key_id'],
  setup: async () => {
    bucket = await startFixtureBucket();
    return loadFixtures<FileSourceConfig>(FIXTURES_DIR, bucket.vars);
  },
  teardown: async () => {
    await bucket?.stop();
  },
});
