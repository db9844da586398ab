// Airbyte's public API names a stream's sync as one word (`full_refresh_overwrite`,
// `incremental_deduped_history`); the Config API and the protocol as two (syncMode +
// destinationSyncMode). This is the table between them.
import type { DestinationSyncMode, SyncMode } from '@platform/protocol';

export const CONNECTION_SYNC_MODES = {
  full_refresh_overwrite: ['full_refresh', 'overwrite'],
  full_refresh_append: ['full_refresh', 'append'],
  incremental_append: ['incremental', 'append'],
  incremental_deduped_history: ['incremental', 'append_dedup'],
} as const satisfies Record<string, readonly [SyncMode, DestinationSyncMode]>;

export type ConnectionSyncMode = keyof typeof CONNECTION_SYNC_MODES;

/** Airbyte's modes this platform has no equivalent for (no overwrite_dedup, update or soft-delete destination modes here). */
const UNSUPPORTED = ['full_refresh_overwrite_deduped', 'full_refresh_update', 'full_refresh_soft_delete', 'incremental_update', 'incremental_soft_delete'];

export function isConnectionSyncMode(value: string): value is ConnectionSyncMode {
  return Object.hasOwn(CONNECTION_SYNC_MODES, value);
}

export function unsupportedSyncModeReason(value: string): string {
  const known = Object.keys(CONNECTION_SYNC_MODES).join(', ');
  return UNSUPPORTED.includes(value) ? `${value} needs a destination sync mode no destination of this platform offers; use one of ${known}` : `must be one of ${known}`;
}

/** The one-word name of a pair, or undefined for a pair Airbyte's public API cannot name. */
export function toConnectionSyncMode(syncMode: SyncMode, destinationSyncMode: DestinationSyncMode): ConnectionSyncMode | undefined {
  return (Object.keys(CONNECTION_SYNC_MODES) as ConnectionSyncMode[]).find((k) => CONNECTION_SYNC_MODES[k][0] === syncMode && CONNECTION_SYNC_MODES[k][1] === destinationSyncMode);
}
