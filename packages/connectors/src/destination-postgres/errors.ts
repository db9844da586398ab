// destination-postgres's error table (design example 6): SQLSTATE codes and classes first, then
// the shared network rules, worded for the database written to.
import { mapError, type ErrorFacts, type ErrorRule, type ErrorTable } from '../framework/error-rules';
import type { ConnectorError } from '../framework/errors';
import { networkRules, type NetworkFailure } from '../framework/network-errors';
import { withoutRowContent } from '../framework/row-content';

export interface ErrorContext {
  host: string;
  port: number;
  database: string;
  username: string;
  /** "schema.table" when the failure happened while writing a table. */
  table?: string;
}

const endpoint = (c: ErrorContext) => `${c.host}:${c.port}`;
const whileWriting = (c: ErrorContext) => (c.table ? ` while writing ${c.table}` : '');

function describeNetworkFailure(c: ErrorContext, failure: NetworkFailure, facts: ErrorFacts): string {
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
      return `The connection to ${endpoint(c)} was ${failure.code === 'ECONNRESET' ? 'reset' : 'lost'}${whileWriting(c)}.`;
    case 'tls_certificate':
      return `SSL certificate verification failed for ${endpoint(c)}: ${facts.message}. Check the CA certificate and SSL mode.`;
    case 'cancelled':
      return `The write was cancelled${whileWriting(c)}.`;
  }
}

const RULES: readonly ErrorRule<ErrorContext>[] = [
  { code: ['28P01'], failureType: 'config_error', message: (c) => `Authentication failed for user "${c.username}": incorrect username or password.` },
  { code: ['28000'], failureType: 'config_error', message: (c, e) => `The server rejected user "${c.username}" for database "${c.database}": ${e.message}.` },
  { code: ['3D000'], failureType: 'config_error', message: (c) => `Database "${c.database}" does not exist on ${endpoint(c)}. Check the database name.` },
  {
    code: ['42501'],
    failureType: 'config_error',
    message: (c, e) => `Permission denied${whileWriting(c)}: ${e.message}. Grant user "${c.username}" CREATE on database "${c.database}" (or on the target schema) and ownership of the tables it writes.`,
  },
  { code: ['2BP01'], failureType: 'config_error', message: (c, e) => `A table cannot be replaced${whileWriting(c)}: ${e.message}. Drop or recreate the views that depend on it.` },
  { code: ['57014'], failureType: 'transient_error', message: (c) => `The statement was cancelled${whileWriting(c)} (statement timeout or administrator).` },
  { code: ['40001', '40P01'], failureType: 'transient_error', message: (c, e) => `A concurrent transaction conflicted${whileWriting(c)}: ${e.message}; the write can be retried.` },
  { code: /^08/, failureType: 'transient_error', message: (c, e) => `Connection problem with ${endpoint(c)}${whileWriting(c)}: ${e.message}.` },
  { code: /^53/, failureType: 'transient_error', message: (c, e) => `The server at ${endpoint(c)} is out of resources${whileWriting(c)}: ${e.message}.` },
  { code: /^57P/, failureType: 'transient_error', message: (c, e) => `The server at ${endpoint(c)} is unavailable${whileWriting(c)}: ${e.message}.` },
  ...networkRules(describeNetworkFailure, { timed_out: { messagePattern: /timeout expired|connection timeout/i }, connection_lost: { messagePattern: /Connection terminated/i } }),
];

/** Postgres quotes the values it failed on; neither message carries them. */
const TABLE: ErrorTable<ErrorContext> = {
  rules: RULES,
  unmatched: (c, e) => `Postgres error${whileWriting(c)}: ${e.message}`,
  internalMessage: (_c, e) => {
    const detail = (e.error as { detail?: unknown }).detail;
    return `${e.code ?? 'unknown'}: ${e.message}${typeof detail === 'string' ? ` (${withoutRowContent(detail)})` : ''}`;
  },
  redact: withoutRowContent,
};

/** Wraps a driver error into a ConnectorError naming the cause; ConnectorErrors pass through. */
export function toConnectorError(err: unknown, ctx: ErrorContext): ConnectorError {
  return mapError(TABLE, err, ctx);
}
