// connections/list serialized once per change, not per request: every connection carries its
// whole sync catalog (~2 KB each, ~0.4 MB for 200), and parsing the stored catalogs and
// serializing them again made each request cost the server ~17 ms of CPU (issue 13). The
// bytes (and, for clients that accept it, their gzip) are kept per workspace with the
// connections version they were read at (migration 006), so a write from any process
// (server, worker, scheduler) is seen by the next request. What a cached answer still costs is
// one version read, shared by every request that arrives while one runs (CoalescedRead), and
// a rebuild after a change is shared by the requests that need it.
import type { PlatformServices } from '../services/platform-services';
import { CoalescedRead } from '../shared/coalesced-read';
import { toConnectionRead } from './presenters/connections';
import { JsonBytes } from './route';

interface Entry {
  version: bigint;
  body: JsonBytes;
}

class ConnectionListCache {
  private readonly entries = new Map<string, Entry>();
  private readonly rebuilds = new Map<string, Promise<Entry>>();
  /** Requested workspace id ('' for the default one) → its id: workspaces are never deleted, so a found one stays. */
  private readonly workspaceIds = new Map<string, string>();
  private readonly version: CoalescedRead<bigint>;

  constructor(private readonly services: PlatformServices) {
    this.version = new CoalescedRead(async () => BigInt(await services.connections.version()));
  }

  async list(workspaceId: string | undefined): Promise<JsonBytes> {
    // The version is read after the request came: every write committed before it counts.
    const [resolved, version] = await Promise.all([this.resolve(workspaceId), this.version.get()]);
    return (await this.entryAt(resolved, version)).body;
  }

  private async resolve(workspaceId: string | undefined): Promise<string> {
    const key = workspaceId ?? '';
    const known = this.workspaceIds.get(key);
    if (known) return known;
    // A workspace that does not exist throws its 404 here, each time.
    const { workspaceId: resolved } = await this.services.workspaces.resolve(workspaceId);
    this.workspaceIds.set(key, resolved);
    return resolved;
  }

  /** The list as of `version` or later. */
  private async entryAt(workspaceId: string, version: bigint): Promise<Entry> {
    const cached = this.entries.get(workspaceId);
    if (cached && cached.version >= version) return cached;
    let rebuild = this.rebuilds.get(workspaceId);
    if (!rebuild) {
      rebuild = this.rebuild(workspaceId).finally(() => this.rebuilds.delete(workspaceId));
      this.rebuilds.set(workspaceId, rebuild);
    }
    const entry = await rebuild;
    // A rebuild that started before this request's version was read may predate it: then once more.
    return entry.version >= version ? entry : this.entryAt(workspaceId, version);
  }

  private async rebuild(workspaceId: string): Promise<Entry> {
    // Read in one snapshot with its rows: a write that lands meanwhile has a later version.
    const { version, connections } = await this.services.connections.listVersioned(workspaceId);
    const entry = { version: BigInt(version), body: new JsonBytes(Buffer.from(JSON.stringify({ connections: connections.map(toConnectionRead) }))) };
    const cached = this.entries.get(workspaceId);
    if (!cached || cached.version < entry.version) this.entries.set(workspaceId, entry);
    return entry;
  }
}

/** One cache per services instance: tests run several platforms, each its own database, in one process. */
const caches = new WeakMap<PlatformServices, ConnectionListCache>();

/** The ConnectionReadList of the workspace (the default one when absent), as JSON bytes. */
export function connectionListJson(services: PlatformServices, workspaceId: string | undefined): Promise<JsonBytes> {
  let cache = caches.get(services);
  if (!cache) caches.set(services, (cache = new ConnectionListCache(services)));
  return cache.list(workspaceId);
}
