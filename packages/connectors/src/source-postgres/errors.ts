// source-postgres's error table (design example 6): its own SQLSTATE codes, then the rules every
// Postgres connection shares (./server-errors), worded for reading.
import { errorFacts, mapError, type ErrorRule } from '../framework/error-rules';
import type { ConnectorError } from '../framework/errors';
import { serverErrorTable, SSL_REFUSED, type ServerErrorContext } from './server-errors';

export interface ErrorContext {
  host: string;
  port: number;
  database: string;
  username: string;
  /** "schema.table" when the failure happened while reading a stream. */
  stream?: string;
}

const TABLE = serverErrorTable([
  { code: ['42501'], failureType: 'config_error', message: (c, e) => `Permission denied${c.during}: ${e.message}. Grant the user SELECT on it.` },
  { code: ['42P01'], failureType: 'config_error', message: (c, e) => `A relation is missing${c.during}: ${e.message}. Refresh the source schema.` },
  { code: ['42703'], failureType: 'config_error', message: (c, e) => `A column is missing${c.during}: ${e.message}. Refresh the source schema.` },
  { code: ['57014'], failureType: 'transient_error', message: (c) => `The query was cancelled${c.during} (statement timeout or administrator).` },
  { code: ['40001'], failureType: 'transient_error', message: (c) => `Serialization failure${c.during}; the read can be retried.` },
] satisfies ErrorRule<ServerErrorContext>[]);

/** Wraps a driver error into a ConnectorError naming the cause; ConnectorErrors pass through. */
export function toConnectorError(err: unknown, ctx: ErrorContext): ConnectorError {
  return mapError(TABLE, err, { ...ctx, during: ctx.stream ? ` while reading ${ctx.stream}` : '', operation: 'read' });
}

/** ssl_mode "allow" tries SSL after the server's pg_hba.conf refused a plain connection. */
export const refusedPlainConnection = (err: unknown) => errorFacts(err).code === '28000';

/** ssl_mode "prefer" falls back to a plain connection when the server has no SSL. */
export const refusedSsl = (err: unknown) => SSL_REFUSED.test(errorFacts(err).message);
