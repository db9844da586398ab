// A connection: its header (source → destination, enabled) and the Status, Job history,
// Schema and Settings tabs, each at its own URL.
import { Link, NavLink, useParams } from 'react-router';
import { useActor, useConnection } from '../api/queries';
import { QueryView } from '../components/states';
import { JobHistoryTab } from './JobHistoryTab';
import { SchemaTab } from './SchemaTab';
import { SettingsTab } from './SettingsTab';
import { StatusTab } from './StatusTab';

const TABS = [
  { path: 'status', label: 'Status' },
  { path: 'job-history', label: 'Job history' },
  { path: 'schema', label: 'Schema' },
  { path: 'settings', label: 'Settings' },
] as const;

export function ConnectionPage() {
  const { id = '', tab = 'status' } = useParams();
  const connection = useConnection(id);
  const source = useActor('source', connection.data?.sourceId);
  const destination = useActor('destination', connection.data?.destinationId);
  return (
    <QueryView query={connection} what="the connection">
      {(c) => (
        <section>
          <header className="page-header">
            <div>
              <h1>{c.name}</h1>
              <div className="muted">
                <Link to={`/sources/${c.sourceId}`}>{source.data ? `${source.data.name} (${source.data.connectorName})` : 'source'}</Link> →{' '}
                <Link to={`/destinations/${c.destinationId}`}>{destination.data ? `${destination.data.name} (${destination.data.connectorName})` : 'destination'}</Link>
                {c.status !== 'active' && <span className="badge badge-disabled">Disabled</span>}
              </div>
            </div>
          </header>
          <nav className="tabs" role="tablist">
            {TABS.map((t) => (
              <NavLink key={t.path} role="tab" to={`/connections/${id}/${t.path}`} className={() => (tab === t.path ? 'tab active' : 'tab')} aria-selected={tab === t.path}>
                {t.label}
              </NavLink>
            ))}
          </nav>
          {tab === 'status' && <StatusTab connection={c} />}
          {tab === 'job-history' && <JobHistoryTab connectionId={c.connectionId} />}
          {tab === 'schema' && <SchemaTab key={c.connectionId} connection={c} />}
          {tab === 'settings' && <SettingsTab key={c.connectionId} connection={c} />}
        </section>
      )}
    </QueryView>
  );
}
