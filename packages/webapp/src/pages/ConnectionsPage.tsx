// The connections table: source → destination, status, frequency, last sync and an enable
// toggle, with a search box and a status filter. Rows are virtualized and the list call
// (web_backend/connections/list) carries no catalogs, so thousands of connections stay fast.
import { useQueryClient } from '@tanstack/react-query';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useDeferredValue, useMemo, useRef, useState } from 'react';
import { Link } from 'react-router';
import { api, unwrap, type Schemas } from '../api/client';
import { keys, useConnectionList } from '../api/queries';
import { formatAgo, formatSchedule } from '../components/format';
import { connectionDisplayStatus, StatusBadge, type DisplayStatus } from '../components/StatusBadge';
import { Empty, ErrorBox, QueryView } from '../components/states';

type Item = Schemas['WebBackendConnectionListItem'];
const ROW_HEIGHT = 52;
const FILTERS: { value: DisplayStatus | 'all'; label: string }[] = [
  { value: 'all', label: 'All statuses' },
  { value: 'succeeded', label: 'Succeeded' },
  { value: 'failed', label: 'Failed' },
  { value: 'running', label: 'Running' },
  { value: 'cancelled', label: 'Cancelled' },
  { value: 'disabled', label: 'Disabled' },
  { value: 'never', label: 'Never synced' },
];

export function matchesFilter(c: Item, search: string, status: DisplayStatus | 'all'): boolean {
  if (status !== 'all' && connectionDisplayStatus(c) !== status) return false;
  if (!search) return true;
  const needle = search.toLowerCase();
  return [c.name, c.source.name, c.source.sourceName, c.destination.name, c.destination.destinationName].some((s) => s.toLowerCase().includes(needle));
}

function EnableToggle({ item }: { item: Item }) {
  const client = useQueryClient();
  const [error, setError] = useState<unknown>();
  const [pending, setPending] = useState(false);
  const enabled = item.status === 'active';
  const toggle = async () => {
    setPending(true);
    setError(undefined);
    try {
      await unwrap('connections/update', api.POST('/v1/connections/update', { body: { connectionId: item.connectionId, status: enabled ? 'inactive' : 'active' } }));
      await client.invalidateQueries({ queryKey: keys.connections });
      await client.invalidateQueries({ queryKey: keys.connection(item.connectionId) });
    } catch (e) {
      setError(e);
    } finally {
      setPending(false);
    }
  };
  return (
    <span className="toggle-cell">
      <label className="switch" title={enabled ? 'Enabled: click to disable' : 'Disabled: click to enable'}>
        <input type="checkbox" role="switch" aria-label={`Enable ${item.name}`} checked={enabled} disabled={pending} onChange={() => void toggle()} />
        <span className="slider" />
      </label>
      {error !== undefined && <ErrorBox error={error} title="Could not change it" />}
    </span>
  );
}

function ConnectionRows({ items }: { items: Item[] }) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({ count: items.length, getScrollElement: () => scrollRef.current, estimateSize: () => ROW_HEIGHT, overscan: 10 });
  return (
    <div className="vtable" role="table" aria-label="Connections">
      <div className="vrow vhead" role="row">
        <span role="columnheader">Name</span>
        <span role="columnheader">Source → Destination</span>
        <span role="columnheader">Status</span>
        <span role="columnheader">Frequency</span>
        <span role="columnheader">Last sync</span>
        <span role="columnheader">Enabled</span>
      </div>
      <div ref={scrollRef} className="vbody" data-testid="connections-scroll">
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {virtualizer.getVirtualItems().map((row) => {
            const c = items[row.index];
            return (
              <div key={c.connectionId} className="vrow" role="row" data-connection={c.name} style={{ position: 'absolute', top: 0, left: 0, right: 0, height: ROW_HEIGHT, transform: `translateY(${row.start}px)` }}>
                <span role="cell">
                  <Link to={`/connections/${c.connectionId}`}>{c.name}</Link>
                </span>
                <span role="cell" className="pair">
                  <span title={c.source.sourceName}>{c.source.name}</span> <span className="muted">({c.source.sourceName})</span> →{' '}
                  <span title={c.destination.destinationName}>{c.destination.name}</span> <span className="muted">({c.destination.destinationName})</span>
                </span>
                <span role="cell">
                  <StatusBadge status={connectionDisplayStatus(c)} />
                </span>
                <span role="cell">{formatSchedule(c.scheduleType, c.scheduleData)}</span>
                <span role="cell" title={c.latestSyncJobCreatedAt ? new Date(c.latestSyncJobCreatedAt * 1000).toISOString() : undefined}>
                  {formatAgo(c.latestSyncJobCreatedAt)}
                </span>
                <span role="cell">
                  <EnableToggle item={c} />
                </span>
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}

export function ConnectionsPage() {
  const list = useConnectionList();
  const [search, setSearch] = useState('');
  const [status, setStatus] = useState<DisplayStatus | 'all'>('all');
  const deferredSearch = useDeferredValue(search);
  const filtered = useMemo(() => (list.data?.connections ?? []).filter((c) => matchesFilter(c, deferredSearch.trim(), status)), [list.data, deferredSearch, status]);
  return (
    <section>
      <header className="page-header">
        <h1>Connections</h1>
        <Link className="button primary" to="/connections/new">
          + New connection
        </Link>
      </header>
      <QueryView query={list} what="connections">
        {(data) =>
          data.connections.length === 0 ? (
            <Empty>
              No connections yet. <Link to="/connections/new">Create your first connection</Link> to move data from a source to a destination.
            </Empty>
          ) : (
            <>
              <div className="filters">
                <input type="search" placeholder="Search connections, sources, destinations" aria-label="Search" value={search} onChange={(e) => setSearch(e.target.value)} />
                <select aria-label="Status filter" value={status} onChange={(e) => setStatus(e.target.value as DisplayStatus | 'all')}>
                  {FILTERS.map((f) => (
                    <option key={f.value} value={f.value}>
                      {f.label}
                    </option>
                  ))}
                </select>
                <span className="muted" data-testid="connection-count">
                  {filtered.length} of {data.connections.length}
                </span>
              </div>
              {filtered.length === 0 ? <Empty>No connection matches.</Empty> : <ConnectionRows items={filtered} />}
            </>
          )
        }
      </QueryView>
    </section>
  );
}
