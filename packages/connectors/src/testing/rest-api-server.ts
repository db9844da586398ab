// Test support: the guide's REST API made real, a node:http server on 127.0.0.1 (free port) that
// the declarative source tests sync from. It behaves like the APIs Airbyte's low-code CDK meets:
//  - bearer-token auth (401 without the token);
//  - GET /v1/customers: cursor pagination (`cursor` in, `next_cursor` out, `data` rows);
//  - GET /v1/orders: page-number pagination (`page`, `per_page`, `orders` rows);
//  - both filter on `start_date` (rows changed strictly after it), the guide's parameter;
//  - on purpose, once each: a 429 with Retry-After on customers' second page and a 500 on
//    orders' second page, so the CDK's retries are exercised and counted.
// Every request is recorded, so a test can say what was asked and what was served.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RestCustomer {
  id: number;
  name: string | null;
  email: string | null;
  updated_at: string;
}

export interface RestOrder {
  id: number;
  customer_id: number;
  amount: number;
  status: string | null;
  created_at: string;
}

export interface RestRequest {
  path: string;
  query: Record<string, string>;
  status: number;
}

export interface RestApiServer {
  /** Base URL of the API (`http://127.0.0.1:<port>/v1`), the manifest's `base_url`. */
  baseUrl: string;
  token: string;
  customers: RestCustomer[];
  orders: RestOrder[];
  requests: RestRequest[];
  /** Rows each endpoint served with 200, in order (a retried page is counted once it succeeds). */
  served: { customers: RestCustomer[]; orders: RestOrder[] };
  /** Arms the one-off 429 and 500 again (for a second sync). */
  rearmFaults(): void;
  close(): Promise<void>;
}

const CUSTOMERS_PAGE = 3;

export async function startRestApiServer(options: { token?: string; customers: RestCustomer[]; orders: RestOrder[] }): Promise<RestApiServer> {
  const token = options.token ?? 'guide-token-3f9c1a';
  const requests: RestRequest[] = [];
  const served = { customers: [] as RestCustomer[], orders: [] as RestOrder[] };
  let faults = { rateLimit: true, serverError: true };

  const after = <T>(rows: T[], field: keyof T, since: string | undefined) => rows.filter((r) => !since || String(r[field]) > since).sort((a, b) => String(a[field]).localeCompare(String(b[field])));

  function answer(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const query = Object.fromEntries(url.searchParams);
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      requests.push({ path: url.pathname, query, status });
      res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
      res.end(JSON.stringify(body));
    };
    if (req.headers.authorization !== `Bearer ${server.token}`) return send(401, { error: 'invalid token' });
    if (url.pathname === '/v1/customers') {
      const offset = query.cursor ? Number(Buffer.from(query.cursor, 'base64url').toString()) : 0;
      if (offset > 0 && faults.rateLimit) {
        faults.rateLimit = false;
        return send(429, { error: 'rate limited' }, { 'Retry-After': '1' });
      }
      const rows = after(server.customers, 'updated_at', query.start_date).slice(offset, offset + CUSTOMERS_PAGE);
      const total = after(server.customers, 'updated_at', query.start_date).length;
      const next = offset + CUSTOMERS_PAGE < total ? Buffer.from(String(offset + CUSTOMERS_PAGE)).toString('base64url') : null;
      served.customers.push(...rows);
      return send(200, { data: rows, next_cursor: next });
    }
    if (url.pathname === '/v1/orders') {
      const page = Number(query.page ?? 1);
      const perPage = Number(query.per_page ?? 4);
      if (page === 2 && faults.serverError) {
        faults.serverError = false;
        return send(500, { error: 'internal error (on purpose)' });
      }
      const rows = after(server.orders, 'created_at', query.start_date).slice((page - 1) * perPage, page * perPage);
      served.orders.push(...rows);
      return send(200, { orders: rows, page });
    }
    send(404, { error: `no endpoint ${url.pathname}` });
  }

  const http = createServer(answer);
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;
  const server: RestApiServer = {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    token,
    customers: options.customers,
    orders: options.orders,
    requests,
    served,
    rearmFaults: () => {
      faults = { rateLimit: true, serverError: true };
    },
    close: () => new Promise<void>((resolve) => http.close(() => resolve())),
  };
  return server;
}
