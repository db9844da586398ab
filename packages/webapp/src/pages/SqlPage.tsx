// SQL over the lake, through the query service's Dremio REST API (its typed client, via the
// web server's /query/ forward): log in with the query user, browse the catalog tree, run a
// statement and page through its results.
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { DremioClient, DremioQueryError, type CatalogChild, type JobResults, type JobStatus } from '@platform/lake-query/client';
import { ErrorBox, Loading } from '../components/states';

const QUERY_BASE = `${typeof window === 'undefined' ? '' : window.location.origin}/query`;
const PAGE_ROWS = 200;

/** A catalog path as SQL: simple names bare, others double-quoted (`AirbyteData.datalake."airbyte-data"`). */
export function sqlPath(path: string[]): string {
  return path.map((p) => (/^[A-Za-z_][A-Za-z0-9_]*$/.test(p) ? p : `"${p.replace(/"/g, '""')}"`)).join('.');
}

function Login({ onLogin }: { onLogin: (c: DremioClient) => void }) {
  const [user, setUser] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  return (
    <form
      className="card login"
      onSubmit={(e) => {
        e.preventDefault();
        setBusy(true);
        setError(undefined);
        DremioClient.login(QUERY_BASE, user, password).then(onLogin, (err) => (setError(err), setBusy(false)));
      }}
    >
      <p>Log in to the query service with its user (config/platform.yaml, <code>query.user</code>; the guide's Dremio user).</p>
      <label className="field">
        <span className="field-label">User</span>
        <input aria-label="Query user" value={user} autoComplete="username" onChange={(e) => setUser(e.target.value)} />
      </label>
      <label className="field">
        <span className="field-label">Password</span>
        <input aria-label="Query password" type="password" value={password} autoComplete="current-password" onChange={(e) => setPassword(e.target.value)} />
      </label>
      {error !== undefined && <ErrorBox error={error} title="Login failed" />}
      <button type="submit" className="primary" disabled={busy || !user}>
        {busy ? 'Logging in…' : 'Log in'}
      </button>
    </form>
  );
}

function CatalogNode({ client, node, onPick }: { client: DremioClient; node: CatalogChild; onPick: (path: string[]) => void }) {
  const [open, setOpen] = useState(false);
  const isContainer = node.type === 'CONTAINER';
  const children = useQuery({ queryKey: ['catalog', node.id], enabled: open && isContainer, queryFn: () => client.catalogById(node.id) });
  const name = node.path.at(-1);
  return (
    <li>
      {isContainer ? (
        <button type="button" className="tree-toggle" onClick={() => setOpen(!open)} aria-expanded={open}>
          {open ? '▾' : '▸'} {name}
        </button>
      ) : (
        <button type="button" className="tree-leaf" title="Query this dataset" onClick={() => onPick(node.path)}>
          ▦ {name}
        </button>
      )}
      {open && children.isPending && <div className="muted">loading…</div>}
      {open && children.error && <div className="field-error">{(children.error as Error).message}</div>}
      {open && children.data?.children && (
        <ul className="tree">
          {children.data.children.map((c) => (
            <CatalogNode key={c.id} client={client} node={c} onPick={onPick} />
          ))}
        </ul>
      )}
    </li>
  );
}

function CatalogTree({ client, onPick }: { client: DremioClient; onPick: (path: string[]) => void }) {
  const root = useQuery({ queryKey: ['catalog', 'root'], queryFn: () => client.catalog() });
  if (root.error) return <ErrorBox error={root.error} title="Could not load the catalog" />;
  if (!root.data) return <Loading what="the catalog" />;
  return (
    <ul className="tree" data-testid="catalog-tree">
      {root.data.data.map((c) => (
        <CatalogNode key={c.id} client={client} node={c} onPick={onPick} />
      ))}
    </ul>
  );
}

interface Run {
  jobId: string;
  status: JobStatus;
  page: JobResults;
  offset: number;
}

function ResultGrid({ run, onPage }: { run: Run; onPage: (offset: number) => void }) {
  const { page, offset, status } = run;
  return (
    <div className="results">
      <div className="muted" data-testid="result-count">
        {status.rowCount.toLocaleString('en-US')} rows{status.rowCount > 0 ? `, showing ${offset + 1}–${offset + page.rows.length}` : ''}
        {offset > 0 && (
          <button type="button" className="link" onClick={() => onPage(Math.max(0, offset - PAGE_ROWS))}>
            ← previous
          </button>
        )}
        {offset + page.rows.length < status.rowCount && (
          <button type="button" className="link" onClick={() => onPage(offset + PAGE_ROWS)}>
            next →
          </button>
        )}
      </div>
      <div className="grid-scroll">
        <table className="table grid">
          <thead>
            <tr>
              {page.schema.map((f) => (
                <th key={f.name} title={f.type.name}>
                  {f.name}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {page.rows.map((row, i) => (
              <tr key={offset + i}>
                {page.schema.map((f) => {
                  const v = row[f.name];
                  return <td key={f.name}>{v === null || v === undefined ? <span className="muted">null</span> : typeof v === 'object' ? JSON.stringify(v) : String(v)}</td>;
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}

export function SqlPage() {
  const [client, setClient] = useState<DremioClient | undefined>();
  const [sql, setSql] = useState('SELECT 1 AS one');
  const [run, setRun] = useState<Run | undefined>();
  const [error, setError] = useState<unknown>();
  const [running, setRunning] = useState(false);

  const execute = async () => {
    if (!client) return;
    setRunning(true);
    setError(undefined);
    setRun(undefined);
    try {
      const { id } = await client.submitSql(sql);
      const status = await client.waitForJob(id);
      if (status.jobState !== 'COMPLETED') throw new DremioQueryError(id, status.jobState, status.errorMessage || status.cancellationReason || status.jobState);
      setRun({ jobId: id, status, offset: 0, page: await client.results(id, { offset: 0, limit: PAGE_ROWS }) });
    } catch (e) {
      setError(e);
    } finally {
      setRunning(false);
    }
  };

  const page = async (offset: number) => {
    if (!client || !run) return;
    try {
      setRun({ ...run, offset, page: await client.results(run.jobId, { offset, limit: PAGE_ROWS }) });
    } catch (e) {
      setError(e);
    }
  };

  return (
    <section>
      <header className="page-header">
        <h1>SQL</h1>
        <span className="muted">DuckDB over the lake, in Dremio's names</span>
      </header>
      {!client ? (
        <Login onLogin={setClient} />
      ) : (
        <div className="sql-layout">
          <aside className="card catalog">
            <strong>Catalog</strong>
            <CatalogTree client={client} onPick={(path) => setSql(`SELECT * FROM ${sqlPath(path)} LIMIT 100`)} />
          </aside>
          <div className="sql-main">
            <textarea
              aria-label="SQL"
              className="sql-editor"
              value={sql}
              spellCheck={false}
              onChange={(e) => setSql(e.target.value)}
              onKeyDown={(e) => {
                if ((e.ctrlKey || e.metaKey) && e.key === 'Enter') void execute();
              }}
            />
            <div className="actions">
              <button type="button" className="primary" disabled={running || !sql.trim()} onClick={() => void execute()}>
                {running ? 'Running…' : 'Run (Ctrl+Enter)'}
              </button>
            </div>
            {error !== undefined && <ErrorBox error={error} title="The query failed" />}
            {run && <ResultGrid run={run} onPage={(o) => void page(o)} />}
          </div>
        </div>
      )}
    </section>
  );
}
