// source-postgres's error table (design example 6): SQLSTATE codes and classes first, then the
// shared network rules, worded for a database server.
import { errorFacts, mapError, type ErrorFacts, type ErrorRule, type ErrorTable } from '../framework/error-rules';
import type { ConnectorError } from '../framework/errors';
import { networkRules, type NetworkFailure } from '../framework/network-errors';
import { withoutRowContent } from '../framework/row-content';

export interface ErrorContext {
  host: string;
  port: number;
  database: string;
  username: string;
  /** "schema.table" when the failure happened while reading a stream. */
  stream?: string;
}

const endpoint = (c: ErrorContext) => `${c.host}:${c.port}`;
const whileReading = (c: ErrorContext) => (c.stream ? ` while reading ${c.stream}` : '');

/** node-postgres reports a server refusing SSL by message only. */
const SSL_REFUSED = /does not support SSL/i;

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
      return `The connection to ${endpoint(c)} was ${failure.code === 'ECONNRESET' ? 'reset' : 'lost'}${whileReading(c)}.`;
    case 'tls_certificate':
      return `SSL certificate verification failed for ${endpoint(c)}: ${facts.message}. Check the CA certificate and SSL mode.`;
    case 'cancelled':
      return `The read was cancelled${whileReading(c)}.`;
  }
}

const RULES: readonly ErrorRule<ErrorContext>[] = [
  { code: ['28P01'], failureType: 'config_error', message: (c) => `Authentication failed for user "${c.username}": incorrect username or password.` },
  { code: ['28000'], failureType: 'config_error', message: (c, e) => `The server rejected user "${c.username}" for database "${c.database}": ${e.message}.` },
  { code: ['3D000'], failureType: 'config_error', message: (c) => `Database "${c.database}" does not exist on ${endpoint(c)}. Check the database name.` },
  { code: ['42501'], failureType: 'config_error', message: (c, e) => `Permission denied${whileReading(c)}: ${e.message}. Grant the user SELECT on it.` },
  { code: ['42P01'], failureType: 'config_error', message: (c, e) => `A relation is missing${whileReading(c)}: ${e.message}. Refresh the source schema.` },
  { code: ['42703'], failureType: 'config_error', message: (c, e) => `A column is missing${whileReading(c)}: ${e.message}. Refresh the source schema.` },
  { code: ['57014'], failureType: 'transient_error', message: (c) => `The query was cancelled${whileReading(c)} (statement timeout or administrator).` },
  { code: ['40001'], failureType: 'transient_error', message: (c) => `Serialization failure${whileReading(c)}; the read can be retried.` },
  // Whole SQLSTATE classes: connection exceptions, insufficient resources, server shutdown.
  { code: /^08/, failureType: 'transient_error', message: (c, e) => `Connection problem with ${endpoint(c)}${whileReading(c)}: ${e.message}.` },
  { code: /^53/, failureType: 'transient_error', message: (c, e) => `The server at ${endpoint(c)} is out of resources${whileReading(c)}: ${e.message}.` },
  { code: /^57P/, failureType: 'transient_error', message: (c, e) => `The server at ${endpoint(c)} is unavailable${whileReading(c)}: ${e.message}.` },
  {
    messagePattern: SSL_REFUSED,
    failureType: 'config_error',
    message: (c) => `The server at ${endpoint(c)} does not accept SSL connections, but the SSL mode requires SSL. Use ssl_mode "prefer" or "disable".`,
  },
  ...networkRules(describeNetworkFailure, { timed_out: { messagePattern: /timeout expired|connection timeout/i }, connection_lost: { messagePattern: /Connection terminated/i } }),
];

/**
 * Postgres quotes the values it failed on (`invalid input syntax for type integer: "..."`,
 * `Failing row contains (...)`): neither message carries them.
 */
const TABLE: ErrorTable<ErrorContext> = {
  rules: RULES,
  unmatched: (c, e) => `Postgres error${whileReading(c)}: ${e.message}`,
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

/** ssl_mode "allow" tries SSL after the server's pg_hba.conf refused a plain connection. */
export const refusedPlainConnection = (err: unknown) => errorFacts(err).code === '28000';

/** ssl_mode "prefer" falls back to a plain connection when the server has no SSL. */
export const refusedSsl = (err: unknown) => SSL_REFUSED.test(errorFacts(err).message);
