// The status icon of connections and jobs: succeeded / failed / running / cancelled / disabled.
import type { Schemas } from '../api/client';

export type DisplayStatus = 'succeeded' | 'failed' | 'running' | 'cancelled' | 'disabled' | 'pending' | 'never';

const LABELS: Record<DisplayStatus, string> = {
  succeeded: 'Succeeded',
  failed: 'Failed',
  running: 'Running',
  cancelled: 'Cancelled',
  disabled: 'Disabled',
  pending: 'Pending',
  never: 'Never synced',
};
const ICONS: Record<DisplayStatus, string> = { succeeded: '✓', failed: '✕', running: '↻', cancelled: '⊘', disabled: '⏸', pending: '…', never: '○' };

export function jobDisplayStatus(status: Schemas['JobStatus'] | undefined): DisplayStatus {
  switch (status) {
    case undefined:
      return 'never';
    case 'running':
    case 'incomplete':
      return 'running';
    default:
      return status;
  }
}

/** A connection's status as its list row shows it: disabled wins, then a running job, then the last job's outcome. */
export function connectionDisplayStatus(c: Pick<Schemas['WebBackendConnectionListItem'], 'status' | 'isSyncing' | 'latestSyncJobStatus'>): DisplayStatus {
  if (c.status !== 'active') return 'disabled';
  if (c.isSyncing) return 'running';
  return jobDisplayStatus(c.latestSyncJobStatus);
}

export function StatusBadge({ status }: { status: DisplayStatus }) {
  return (
    <span className={`badge badge-${status}`} data-status={status}>
      <span aria-hidden>{ICONS[status]}</span> {LABELS[status]}
    </span>
  );
}
