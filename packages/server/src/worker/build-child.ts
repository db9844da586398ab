// `pnpm --filter @platform/server build-child`: builds the replication child's bundle (bootstrap runs it).
import { REPLICATION_BUNDLE, buildReplicationBundle } from './replication-bundle';

await buildReplicationBundle();
console.log(`replication child built: ${REPLICATION_BUNDLE}`);
