// destination-postgres's error table (design example 6): its own SQLSTATE codes, then the rules
// every Postgres connection shares (source-postgres/server-errors), worded for writing.
import { mapError, type ErrorRule } from '../framework/error-rules';
import type { ConnectorError } from '../framework/errors';
import { serverErrorTable, type ServerErrorContext } from '../source-postgres/server-errors';

export interface ErrorContext {
  host: string;
  port: number;
  database: string;
  username: string;
  /** "schema.table" when the failure happened while writing a table. */
  table?: string;
}

const TABLE = serverErrorTable([
  {
    code: ['42501'],
    failureType: 'config_error',
    message: (c, e) => `Permission denied${c.during}: ${e.message}. Grant user "${c.username}" CREATE on database "${c.database}" (or on the target schema) and ownership of the tables it writes.`,
  },
  { code: ['2BP01'], failureType: 'config_error', message: (c, e) => `A table cannot be replaced${c.during}: ${e.message}. Drop or recreate the views that depend on it.` },
  { code: ['57014'], failureType: 'transient_error', message: (c) => `The statement was cancelled${c.during} (statement timeout or administrator).` },
  { code: ['40001', '40P01'], failureType: 'transient_error', message: (c, e) => `A concurrent transaction conflicted${c.during}: ${e.message}; the write can be retried.` },
] satisfies ErrorRule<ServerErrorContext>[]);

/** Wraps a driver error into a ConnectorError naming the cause; ConnectorErrors pass through. */
export function toConnectorError(err: unknown, ctx: ErrorContext): ConnectorError {
  return mapError(TABLE, err, { ...ctx, during: ctx.table ? ` while writing ${ctx.table}` : '', operation: 'write' });
}
