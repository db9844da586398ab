import { describe, expect, it } from 'vitest';
import { ConnectorError } from '../framework/errors';
import { describeNetworkFailureClassification, FAILING_HOST } from '../testing/network-failures';
import { toConnectorError } from './errors';
import { destinationPostgres } from './index';

const ctx = { host: 'db.example', port: 5432, database: 'analytics_db', username: 'writer', table: 'public._airbyte_raw_customers' };
const pgError = (code: string, message: string) => Object.assign(new Error(message), { code });

describe('the pg error table', () => {
  it.each([
    [pgError('28P01', 'password authentication failed for user "writer"'), 'config_error', 'Authentication failed for user "writer": incorrect username or password.'],
    [pgError('3D000', 'database "analytics_db" does not exist'), 'config_error', 'Database "analytics_db" does not exist on db.example:5432. Check the database name.'],
    [pgError('42501', 'permission denied for schema public'), 'config_error', 'Grant user "writer" CREATE on database "analytics_db"'],
    [pgError('2BP01', 'cannot drop table customers because other objects depend on it'), 'config_error', 'Drop or recreate the views that depend on it.'],
    [pgError('40P01', 'deadlock detected'), 'transient_error', 'A concurrent transaction conflicted while writing public._airbyte_raw_customers'],
    [pgError('53100', 'could not extend file: No space left on device'), 'transient_error', 'is out of resources while writing public._airbyte_raw_customers'],
    [new Error('Connection terminated unexpectedly'), 'transient_error', 'The connection to db.example:5432 was lost while writing public._airbyte_raw_customers.'],
    [pgError('22012', 'division by zero'), 'system_error', 'Postgres error while writing public._airbyte_raw_customers: division by zero'],
  ])('%s', (err, failureType, message) => {
    const mapped = toConnectorError(err, ctx);
    expect(mapped.failureType).toBe(failureType);
    expect(mapped.message).toContain(message);
  });

  it('never quotes the value it failed on', () => {
    const err = Object.assign(pgError('23502', 'null value in column "n" of relation "t" violates not-null constraint'), { detail: 'Failing row contains (1, CANARY-2, null).' });
    const mapped = toConnectorError(err, ctx);
    expect(mapped.message).toContain('violates not-null constraint');
    expect(`${mapped.message} ${mapped.internalMessage}`).not.toContain('CANARY');
  });

  it('passes ConnectorErrors through unchanged', () => {
    const original = new ConnectorError('already mapped', 'config_error');
    expect(toConnectorError(original, ctx)).toBe(original);
  });
});

describeNetworkFailureClassification('destination-postgres', (err) => toConnectorError(err, { ...ctx, host: FAILING_HOST }));

describe('check', () => {
  it('names the bad fields of an invalid config', async () => {
    const status = await destinationPostgres.check({ host: '127.0.0.1', port: 5432, database: 'analytics_db', schema: 'public', username: 'writer', normalization: 'deep' } as never, { log: () => {} });
    expect(status.status).toBe('FAILED');
    expect(status.message).toContain('normalization');
  });

  it('names host and port when nothing listens there, without the password', async () => {
    const status = await destinationPostgres.check(
      { host: '127.0.0.1', port: 1, database: 'analytics_db', schema: 'public', username: 'writer', password: 'CANARY-password', ssl_mode: { mode: 'disable' } },
      { log: () => {} },
    );
    expect(status).toEqual({ status: 'FAILED', message: 'Could not connect to 127.0.0.1:1: connection refused. Check host and port.' });
  });
});
