// One table from driver/server error to {failureType, user message} (design example 6).
// Keys are SQLSTATE codes, SQLSTATE class prefixes, Node errno codes, or the synthetic keys
// `errorKey` derives from pg's message-only errors.
import type { FailureType } from '@platform/protocol';
import { ConnectorError } from '../framework/errors';
import { withoutRowContent } from '../framework/row-content';

export interface ErrorContext {
  host: string;
  port: number;
  database: string;
  username: string;
  /** "schema.table" when the failure happened while reading a stream. */
  stream?: string;
}

interface ErrorRule {
  failureType: FailureType;
  message(ctx: ErrorContext, err: Error): string;
}

const endpoint = (c: ErrorContext) => `${c.host}:${c.port}`;
const whileReading = (c: ErrorContext) => (c.stream ? ` while reading ${c.stream}` : '');

const ERROR_RULES: Record<string, ErrorRule> = {
  ECONNREFUSED: { failureType: 'transient_error', message: (c) => `Could not connect to ${endpoint(c)}: connection refused. Check host and port.` },
  CONNECT_TIMEOUT: {
    failureType: 'transient_error',
    message: (c) => `Could not connect to ${endpoint(c)}: connection timed out. Check host, port and firewall rules.`,
  },
  ETIMEDOUT: {
    failureType: 'transient_error',
    message: (c) => `Could not connect to ${endpoint(c)}: connection timed out. Check host, port and firewall rules.`,
  },
  EHOSTUNREACH: { failureType: 'transient_error', message: (c) => `Could not connect to ${endpoint(c)}: host unreachable. Check host and network.` },
  ENETUNREACH: { failureType: 'transient_error', message: (c) => `Could not connect to ${endpoint(c)}: network unreachable. Check host and network.` },
  ENOTFOUND: { failureType: 'config_error', message: (c) => `Could not resolve host "${c.host}". Check the host name.` },
  EAI_AGAIN: { failureType: 'transient_error', message: (c) => `Could not resolve host "${c.host}" (DNS temporarily unavailable).` },
  ECONNRESET: { failureType: 'transient_error', message: (c) => `The connection to ${endpoint(c)} was reset${whileReading(c)}.` },
  CONNECTION_LOST: { failureType: 'transient_error', message: (c) => `The connection to ${endpoint(c)} was lost${whileReading(c)}.` },
  SSL_NOT_SUPPORTED: {
    failureType: 'config_error',
    message: (c) => `The server at ${endpoint(c)} does not accept SSL connections, but the SSL mode requires SSL. Use ssl_mode "prefer" or "disable".`,
  },
  SSL_CERTIFICATE: {
    failureType: 'config_error',
    message: (c, e) => `SSL certificate verification failed for ${endpoint(c)}: ${e.message}. Check the CA certificate and SSL mode.`,
  },
  // The job's AbortSignal fired (cancellation): not the database's fault.
  ABORT_ERR: { failureType: 'transient_error', message: (c) => `The read was cancelled${whileReading(c)}.` },
  '28P01': { failureType: 'config_error', message: (c) => `Authentication failed for user "${c.username}": incorrect username or password.` },
  '28000': { failureType: 'config_error', message: (c, e) => `The server rejected user "${c.username}" for database "${c.database}": ${e.message}.` },
  '3D000': { failureType: 'config_error', message: (c) => `Database "${c.database}" does not exist on ${endpoint(c)}. Check the database name.` },
  '42501': { failureType: 'config_error', message: (c, e) => `Permission denied${whileReading(c)}: ${e.message}. Grant the user SELECT on it.` },
  '42P01': { failureType: 'config_error', message: (c, e) => `A relation is missing${whileReading(c)}: ${e.message}. Refresh the source schema.` },
  '42703': { failureType: 'config_error', message: (c, e) => `A column is missing${whileReading(c)}: ${e.message}. Refresh the source schema.` },
  '57014': { failureType: 'transient_error', message: (c) => `The query was cancelled${whileReading(c)} (statement timeout or administrator).` },
  '40001': { failureType: 'transient_error', message: (c) => `Serialization failure${whileReading(c)}; the read can be retried.` },
  // Whole SQLSTATE classes: connection exceptions, insufficient resources, server shutdown.
  '08': { failureType: 'transient_error', message: (c, e) => `Connection problem with ${endpoint(c)}${whileReading(c)}: ${e.message}.` },
  '53': { failureType: 'transient_error', message: (c, e) => `The server at ${endpoint(c)} is out of resources${whileReading(c)}: ${e.message}.` },
  '57P': { failureType: 'transient_error', message: (c, e) => `The server at ${endpoint(c)} is unavailable${whileReading(c)}: ${e.message}.` },
};

const FALLBACK_RULE: ErrorRule = {
  failureType: 'system_error',
  message: (c, e) => `Postgres error${whileReading(c)}: ${e.message}`,
};

const TLS_CERTIFICATE_CODES = /^(ERR_TLS_|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_|CERT_|ERR_SSL_)/;

/** The ERROR_RULES key for an error; node-postgres reports some failures by message only. */
export function errorKey(err: Error & { code?: unknown; errors?: Array<{ code?: unknown }> }): string | undefined {
  const code = typeof err.code === 'string' ? err.code : typeof err.errors?.[0]?.code === 'string' ? (err.errors[0].code as string) : undefined;
  if (code && TLS_CERTIFICATE_CODES.test(code)) return 'SSL_CERTIFICATE';
  if (code) return code;
  if (/timeout expired|connection timeout/i.test(err.message)) return 'CONNECT_TIMEOUT';
  if (/does not support SSL/i.test(err.message)) return 'SSL_NOT_SUPPORTED';
  if (/Connection terminated/i.test(err.message)) return 'CONNECTION_LOST';
  return undefined;
}

function ruleFor(key: string | undefined): ErrorRule {
  if (!key) return FALLBACK_RULE;
  return ERROR_RULES[key] ?? ERROR_RULES[key.slice(0, 3)] ?? ERROR_RULES[key.slice(0, 2)] ?? FALLBACK_RULE;
}

/**
 * Wraps a driver error into a ConnectorError with a message naming the cause; ConnectorErrors
 * pass through. Postgres quotes the values it failed on (`invalid input syntax for type
 * integer: "..."`, `Failing row contains (...)`): neither message carries them.
 */
export function toConnectorError(err: unknown, ctx: ErrorContext): ConnectorError {
  if (err instanceof ConnectorError) return err;
  const e = err instanceof Error ? err : new Error(String(err));
  const key = errorKey(e);
  const rule = ruleFor(key);
  const shown = new Error(withoutRowContent(e.message));
  const detail = (e as { detail?: string }).detail;
  return new ConnectorError(rule.message(ctx, shown), rule.failureType, `${key ?? 'unknown'}: ${shown.message}${detail ? ` (${withoutRowContent(detail)})` : ''}`, { cause: err });
}
