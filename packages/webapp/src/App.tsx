// The shell: navigation and routes. Pages other than the connections list load on demand,
// so the first page stays small (the form library and its validator come with the forms).
import { lazy, Suspense, type ReactNode } from 'react';
import { Navigate, NavLink, Route, Routes } from 'react-router';
import { ErrorBoundary } from './components/ErrorBoundary';
import { Loading } from './components/states';
import { ConnectionsPage } from './pages/ConnectionsPage';

const ConnectionPage = lazy(() => import('./connection/ConnectionPage').then((m) => ({ default: m.ConnectionPage })));
const NewConnectionPage = lazy(() => import('./pages/NewConnectionPage').then((m) => ({ default: m.NewConnectionPage })));
const actorPages = () => import('./pages/ActorPages');
const ActorListPage = lazy(() => actorPages().then((m) => ({ default: m.ActorListPage })));
const NewActorPage = lazy(() => actorPages().then((m) => ({ default: m.NewActorPage })));
const EditActorPage = lazy(() => actorPages().then((m) => ({ default: m.EditActorPage })));
const SqlPage = lazy(() => import('./pages/SqlPage').then((m) => ({ default: m.SqlPage })));

function Page({ children }: { children: ReactNode }) {
  return (
    <ErrorBoundary>
      <Suspense fallback={<Loading what="the page" />}>{children}</Suspense>
    </ErrorBoundary>
  );
}

export function App() {
  return (
    <div className="layout">
      <nav className="sidebar">
        <div className="brand">Airlock</div>
        <NavLink to="/connections">Connections</NavLink>
        <NavLink to="/sources">Sources</NavLink>
        <NavLink to="/destinations">Destinations</NavLink>
        <NavLink to="/sql">SQL</NavLink>
      </nav>
      <main className="content">
        <Routes>
          <Route path="/" element={<Navigate to="/connections" replace />} />
          <Route path="/connections" element={<Page><ConnectionsPage /></Page>} />
          <Route path="/connections/new" element={<Page><NewConnectionPage /></Page>} />
          <Route path="/connections/:id" element={<Page><ConnectionPage /></Page>} />
          <Route path="/connections/:id/:tab" element={<Page><ConnectionPage /></Page>} />
          <Route path="/sources" element={<Page><ActorListPage kind="source" /></Page>} />
          <Route path="/sources/new" element={<Page><NewActorPage kind="source" /></Page>} />
          <Route path="/sources/:id" element={<Page><EditActorPage kind="source" /></Page>} />
          <Route path="/destinations" element={<Page><ActorListPage kind="destination" /></Page>} />
          <Route path="/destinations/new" element={<Page><NewActorPage kind="destination" /></Page>} />
          <Route path="/destinations/:id" element={<Page><EditActorPage kind="destination" /></Page>} />
          <Route path="/sql" element={<Page><SqlPage /></Page>} />
          <Route path="*" element={<div className="state empty">No page here. <NavLink to="/connections">Go to the connections</NavLink>.</div>} />
        </Routes>
      </main>
    </div>
  );
}
