// The error rules every connection to a Postgres server shares, whether it reads (source-postgres)
// or writes (destination-postgres): authentication, a missing database, the SQLSTATE classes of
// connection, resource and shutdown failures, a server refusing SSL, and the shared network rules.
// Each connector's errors.ts puts its own codes first and says what it was doing.
import { type ErrorFacts, type ErrorRule, type ErrorTable } from '../framework/error-rules';
import { networkRules, type NetworkFailure } from '../framework/network-errors';
import { withoutRowContent } from '../framework/row-content';

export interface ServerErrorContext {
  host: string;
  port: number;
  database: string;
  username: string;
  /** " while reading public.users", or empty when no table was being worked on. */
  during: string;
  /** What a cancelled operation was: "read", "write". */
  operation: string;
}

/** node-postgres reports a server refusing SSL by message only. */
export const SSL_REFUSED = /does not support SSL/i;

export const endpoint = (c: ServerErrorContext) => `${c.host}:${c.port}`;

function describeNetworkFailure(c: ServerErrorContext, failure: NetworkFailure, facts: ErrorFacts): string {
  switch (failure.kind) {
    case 'host_not_found':
      return `Could not resolve host "${c.host}". Check the host name.`;
    case 'dns_unavailable':
      return `Could not resolve host "${c.host}" (DNS temporarily unavailable).`;
    case 'connection_refused':
      return `Could not connect to ${endpoint(c)}: connection refused. Check host and port.`;
    case 'timed_out':
      return `Could not connect to ${endpoint(c)}: connection timed out. Check host, port and firewall rules.`;
    case 'host_unreachable':
    case 'network_unreachable':
      return `Could not connect to ${endpoint(c)}: ${failure.phrase}. Check host and network.`;
    case 'connection_lost':
      return `The connection to ${endpoint(c)} was ${failure.code === 'ECONNRESET' ? 'reset' : 'lost'}${c.during}.`;
    case 'tls_certificate':
      return `SSL certificate verification failed for ${endpoint(c)}: ${facts.message}. Check the CA certificate and SSL mode.`;
    case 'cancelled':
      return `The ${c.operation} was cancelled${c.during}.`;
  }
}

const SERVER_RULES: readonly ErrorRule<ServerErrorContext>[] = [
  { code: ['28P01'], failureType: 'config_error', message: (c) => `Authentication failed for user "${c.username}": incorrect username or password.` },
  { code: ['28000'], failureType: 'config_error', message: (c, e) => `The server rejected user "${c.username}" for database "${c.database}": ${e.message}.` },
  { code: ['3D000'], failureType: 'config_error', message: (c) => `Database "${c.database}" does not exist on ${endpoint(c)}. Check the database name.` },
  // Whole SQLSTATE classes: connection exceptions, insufficient resources, server shutdown.
  { code: /^08/, failureType: 'transient_error', message: (c, e) => `Connection problem with ${endpoint(c)}${c.during}: ${e.message}.` },
  { code: /^53/, failureType: 'transient_error', message: (c, e) => `The server at ${endpoint(c)} is out of resources${c.during}: ${e.message}.` },
  { code: /^57P/, failureType: 'transient_error', message: (c, e) => `The server at ${endpoint(c)} is unavailable${c.during}: ${e.message}.` },
  {
    messagePattern: SSL_REFUSED,
    failureType: 'config_error',
    message: (c) => `The server at ${endpoint(c)} does not accept SSL connections, but the SSL mode requires SSL. Use ssl_mode "prefer" or "disable".`,
  },
  ...networkRules(describeNetworkFailure, { timed_out: { messagePattern: /timeout expired|connection timeout/i }, connection_lost: { messagePattern: /Connection terminated/i } }),
];

/**
 * A connector's rules (its own SQLSTATE codes) before the shared ones. Postgres quotes the values
 * it failed on (`invalid input syntax for type integer: "..."`, `Failing row contains (...)`):
 * no message carries them.
 */
export function serverErrorTable(connectorRules: readonly ErrorRule<ServerErrorContext>[]): ErrorTable<ServerErrorContext> {
  return {
    rules: [...connectorRules, ...SERVER_RULES],
    unmatched: (c, e) => `Postgres error${c.during}: ${e.message}`,
    internalMessage: (_c, e) => {
      const detail = (e.error as { detail?: unknown }).detail;
      return `${e.code ?? 'unknown'}: ${e.message}${typeof detail === 'string' ? ` (${withoutRowContent(detail)})` : ''}`;
    },
    redact: withoutRowContent,
  };
}
