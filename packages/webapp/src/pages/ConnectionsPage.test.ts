// The connections list's search box and status filter.
import { describe, expect, it } from 'vitest';
import type { Schemas } from '../api/client';
import { connectionDisplayStatus } from '../components/StatusBadge';
import { matchesFilter } from './ConnectionsPage';

const version = { dockerRepository: 'airbyte/x', dockerImageTag: '1.0.0', supportsRefreshes: false, supportState: 'supported' as const, isVersionOverrideApplied: false, supportsFileTransfer: false, supportsDataActivation: false };
const item = (name: string, extra: Partial<Schemas['WebBackendConnectionListItem']> = {}): Schemas['WebBackendConnectionListItem'] => ({
  connectionId: name,
  name,
  source: { sourceId: 's', name: 'Shop DB', sourceDefinitionId: 'd', sourceName: 'Postgres' },
  destination: { destinationId: 'd', name: 'Lake', destinationDefinitionId: 'd', destinationName: 'S3' },
  status: 'active',
  scheduleType: 'manual',
  isSyncing: false,
  schemaChange: 'no_change',
  sourceActorDefinitionVersion: version,
  destinationActorDefinitionVersion: version,
  tags: [],
  ...extra,
});

describe('connections list filters', () => {
  it('shows a disabled connection as disabled, a running one as running, else its last job', () => {
    expect(connectionDisplayStatus(item('a', { status: 'inactive', isSyncing: true, latestSyncJobStatus: 'running' }))).toBe('disabled');
    expect(connectionDisplayStatus(item('a', { isSyncing: true, latestSyncJobStatus: 'incomplete' }))).toBe('running');
    expect(connectionDisplayStatus(item('a', { latestSyncJobStatus: 'failed' }))).toBe('failed');
    expect(connectionDisplayStatus(item('a'))).toBe('never');
  });

  it('searches names, actor names and connector names, case-insensitively, and filters by status', () => {
    const failed = item('Orders → Lake', { latestSyncJobStatus: 'failed' });
    expect(matchesFilter(failed, 'orders', 'all')).toBe(true);
    expect(matchesFilter(failed, 'postgres', 'all')).toBe(true);
    expect(matchesFilter(failed, 'shop db', 'failed')).toBe(true);
    expect(matchesFilter(failed, '', 'succeeded')).toBe(false);
    expect(matchesFilter(failed, 'mysql', 'all')).toBe(false);
  });
});
