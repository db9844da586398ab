// connections/list serialized once per change, not per request: every connection carries its
// whole sync catalog (~2 KB each, ~0.4 MB for 200), and parsing the stored catalogs and
// serializing them again made each request cost the server ~17 ms of CPU (issue 13). The
// bytes are kept per workspace with the connections version they were read at (migration
// 006), so a write from any process (server, worker, scheduler) is seen by the next request.
import type { PlatformServices } from '../services/platform-services';
import { toConnectionRead } from './presenters/connections';
import { JsonBytes } from './route';

interface Entry {
  version: string;
  body: JsonBytes;
}

/** One cache per services instance: tests run several platforms, each its own database, in one process. */
const caches = new WeakMap<PlatformServices, Map<string, Entry>>();

/** The ConnectionReadList of the workspace (the default one when absent), as JSON bytes. */
export async function connectionListJson(services: PlatformServices, workspaceId: string | undefined): Promise<JsonBytes> {
  let cache = caches.get(services);
  if (!cache) caches.set(services, (cache = new Map()));
  const current = await services.connections.listVersion(workspaceId);
  const cached = cache.get(current.workspaceId);
  if (cached?.version === current.version) return cached.body;
  const { version, connections } = await services.connections.listVersioned(current.workspaceId);
  const body = new JsonBytes(Buffer.from(JSON.stringify({ connections: connections.map(toConnectionRead) })));
  // Read in one snapshot with its rows: a write that lands meanwhile has a later version.
  cache.set(current.workspaceId, { version, body });
  return body;
}
