// Loading, empty and error states every page uses: a failed call shows the server's message
// and field details, never a blank page.
import type { ReactNode } from 'react';
import { describeError } from '../api/client';

export function Loading({ what }: { what: string }) {
  return (
    <div className="state loading" role="status">
      <span className="spinner" aria-hidden /> Loading {what}…
    </div>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <div className="state empty">{children}</div>;
}

export function ErrorBox({ error, title = 'Something went wrong' }: { error: unknown; title?: string }) {
  const { message, details } = describeError(error);
  return (
    <div className="state error" role="alert">
      <strong>{title}</strong>
      <p>{message}</p>
      {details.length > 0 && (
        <ul>
          {details.map((d) => (
            <li key={`${d.path}:${d.message}`}>
              <code>{d.path}</code>: {d.message}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** Renders `children(data)` once loaded, and the matching state otherwise. */
export function QueryView<T>({ query, what, children }: { query: { data?: T; error: unknown; isPending: boolean }; what: string; children: (data: T) => ReactNode }) {
  if (query.error) return <ErrorBox error={query.error} title={`Could not load ${what}`} />;
  if (query.isPending || query.data === undefined) return <Loading what={what} />;
  return <>{children(query.data)}</>;
}
