// Each connection's last sync and data freshness, for `platform status`: how long ago its
// latest sync job ended (or that it is running) and how old its data is, that is the time
// since its last successful sync, the figure /metrics exports as
// airlock_connection_data_freshness_seconds. A connection the platform disabled says why (a
// breaking schema change, or any change under nonBreakingChangesPreference "disable").
import { unwrap, type PlatformClient, type Schemas } from '@platform/api-client';

export interface ConnectionSyncs {
  name: string;
  status: Schemas['ConnectionStatus'];
  /** What the latest discovery found against the connection's catalog (no_change when absent). */
  schemaChange?: Schemas['SchemaChange'];
  /** Why the platform disabled it (a schema change). */
  statusReason?: string;
  /** The latest sync job, any status. */
  latest?: Pick<Schemas['JobRead'], 'id' | 'status' | 'updatedAt'>;
  /** The latest successful sync job. */
  lastSuccess?: Pick<Schemas['JobRead'], 'id' | 'updatedAt'>;
}

/** "42 s", "5 min", "3 h 20 min", "2 d 4 h". */
export function formatAge(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min`;
  if (s < 86400) return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
  return `${Math.floor(s / 86400)} d ${Math.floor((s % 86400) / 3600)} h`;
}

/** One line per connection; `nowSeconds` is the current Unix time. */
export function connectionSyncLine(c: ConnectionSyncs, nowSeconds: number): string {
  const ago = (at: number) => `${formatAge(nowSeconds - at)} ago`;
  const state = c.status === 'active' ? '' : ` (${c.status})`;
  const latest = !c.latest
    ? 'never synced'
    : ['pending', 'running', 'incomplete'].includes(c.latest.status)
      ? `job ${c.latest.id} ${c.latest.status}`
      : `last sync ${c.latest.status} ${ago(c.latest.updatedAt)} (job ${c.latest.id})`;
  const freshness = c.lastSuccess ? `freshness ${formatAge(nowSeconds - c.lastSuccess.updatedAt)}` : 'no successful sync yet';
  const schema = c.schemaChange && c.schemaChange !== 'no_change' ? `; schema change: ${c.schemaChange}` : '';
  const reason = c.statusReason ? `; disabled: ${c.statusReason}` : '';
  return `${c.name}${state}: ${latest}; ${freshness}${schema}${reason}`;
}

export async function connectionSyncs(client: PlatformClient): Promise<ConnectionSyncs[]> {
  const { connections } = await unwrap('connections/list', client.POST('/v1/connections/list', { body: {} }));
  const latestJob = async (connectionId: string, statuses?: Schemas['JobStatus'][]) => {
    const body = { configTypes: ['sync' as const], configId: connectionId, statuses, pagination: { pageSize: 1 } };
    return (await unwrap('jobs/list', client.POST('/v1/jobs/list', { body }))).jobs[0]?.job;
  };
  return Promise.all(
    connections.map(async (c) => {
      const [latest, lastSuccess] = await Promise.all([latestJob(c.connectionId), latestJob(c.connectionId, ['succeeded'])]);
      return { name: c.name, status: c.status, schemaChange: c.schemaChange, statusReason: c.statusReason, latest, lastSuccess };
    }),
  );
}

export async function connectionSyncLines(client: PlatformClient, nowSeconds = Date.now() / 1000): Promise<string[]> {
  return (await connectionSyncs(client)).map((c) => connectionSyncLine(c, nowSeconds));
}
