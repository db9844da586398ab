import { expect, test } from 'vitest';
import { connectionSyncLine, formatAge } from './connection-freshness';

const now = 1_800_000_000;

test('a connection line says how its last sync ended and how old its data is', () => {
  expect(connectionSyncLine({ name: 'PostgreSQL → MinIO', status: 'active', latest: { id: 12, status: 'succeeded', updatedAt: now - 90 }, lastSuccess: { id: 12, updatedAt: now - 90 } }, now)).toBe(
    'PostgreSQL → MinIO: last sync succeeded 1 min ago (job 12); freshness 1 min',
  );
  // A failed latest sync leaves the data as old as the last success.
  expect(connectionSyncLine({ name: 'orders', status: 'inactive', latest: { id: 9, status: 'failed', updatedAt: now - 30 }, lastSuccess: { id: 4, updatedAt: now - 2 * 86400 - 3 * 3600 } }, now)).toBe(
    'orders (inactive): last sync failed 30 s ago (job 9); freshness 2 d 3 h',
  );
  expect(connectionSyncLine({ name: 'new', status: 'active', latest: { id: 3, status: 'running', updatedAt: now } }, now)).toBe('new: job 3 running; no successful sync yet');
  expect(connectionSyncLine({ name: 'idle', status: 'active' }, now)).toBe('idle: never synced; no successful sync yet');
});

test('a connection disabled by a schema change says so and why; a change it ignored is named', () => {
  const reason = 'Breaking schema change in the source: public.orders: field created_at removed (breaking: the stream needs it as its cursor or primary key). The connection was disabled; …';
  expect(
    connectionSyncLine({ name: 'orders', status: 'inactive', schemaChange: 'breaking', statusReason: reason, latest: { id: 9, status: 'failed', updatedAt: now - 30 }, lastSuccess: { id: 4, updatedAt: now - 60 } }, now),
  ).toBe(`orders (inactive): last sync failed 30 s ago (job 9); freshness 1 min; schema change: breaking; disabled: ${reason}`);
  expect(connectionSyncLine({ name: 'customers', status: 'active', schemaChange: 'non_breaking', lastSuccess: { id: 2, updatedAt: now - 5 } }, now)).toBe(
    'customers: never synced; freshness 5 s; schema change: non_breaking',
  );
});

test('ages read in the largest useful units', () => {
  expect([0, 59, 60, 3599, 3600, 3 * 3600 + 20 * 60, 86400 + 3600].map(formatAge)).toEqual(['0 s', '59 s', '1 min', '59 min', '1 h 0 min', '3 h 20 min', '1 d 1 h']);
});
