// WAL health of the CDC sources, for `platform status`: a replication slot that stops advancing
// makes its Postgres keep WAL until the disk fills (Airbyte's CDC issues start there), so status
// shows what each CDC source's check reports: the WAL its slot retains and its lag, or the problem.
import { unwrap, type PlatformClient } from '@platform/api-client';

const isCdc = (configuration: unknown) =>
  (configuration as { replication_method?: { method?: unknown } } | undefined)?.replication_method?.method === 'CDC';

/** One line per CDC source: its name and its check's message. None when there is no CDC source. */
export async function cdcHealthLines(client: PlatformClient): Promise<string[]> {
  const { sources } = await unwrap('sources/list', client.POST('/v1/sources/list', { body: {} }));
  const lines: string[] = [];
  for (const source of sources.filter((s) => isCdc(s.connectionConfiguration))) {
    const check = await unwrap('sources/check_connection', client.POST('/v1/sources/check_connection', { body: { sourceId: source.sourceId } }));
    const message = (check.message ?? '').replace(/\s+/g, ' ').trim();
    lines.push(`${source.name}: ${check.status === 'succeeded' ? 'ok' : 'CHECK FAILED'}${message ? `: ${message}` : ''}`);
  }
  return lines;
}
