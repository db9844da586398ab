import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectorError } from '../framework/errors';
import { describeNetworkFailureClassification, FAILING_HOST } from '../testing/network-failures';
import { toConnectorError } from './errors';
import { sourcePostgres } from './index';

const ctx = { host: 'db.example', port: 5432, database: 'shop', username: 'reader', stream: 'public.orders' };
const pgError = (code: string, message: string) => Object.assign(new Error(message), { code });

describe('the pg error table', () => {
  it.each([
    [pgError('28P01', 'password authentication failed for user "reader"'), 'config_error', 'Authentication failed for user "reader": incorrect username or password.'],
    [pgError('3D000', 'database "shop" does not exist'), 'config_error', 'Database "shop" does not exist on db.example:5432. Check the database name.'],
    [pgError('ECONNREFUSED', 'connect ECONNREFUSED'), 'transient_error', 'Could not connect to db.example:5432: connection refused. Check host and port.'],
    [Object.assign(new AggregateError([pgError('ECONNREFUSED', 'x')], 'all failed')), 'transient_error', 'connection refused'],
    [new Error('timeout expired'), 'transient_error', 'connection timed out'],
    [new Error('Connection terminated unexpectedly'), 'transient_error', 'The connection to db.example:5432 was lost while reading public.orders.'],
    [pgError('08006', 'connection failure'), 'transient_error', 'Connection problem with db.example:5432 while reading public.orders: connection failure.'],
    [pgError('57P01', 'terminating connection due to administrator command'), 'transient_error', 'is unavailable'],
    [pgError('DEPTH_ZERO_SELF_SIGNED_CERT', 'self-signed certificate'), 'config_error', 'SSL certificate verification failed'],
    [pgError('22012', 'division by zero'), 'system_error', 'Postgres error while reading public.orders: division by zero'],
  ])('%s', (err, failureType, message) => {
    const mapped = toConnectorError(err, ctx);
    expect(mapped.failureType).toBe(failureType);
    expect(mapped.message).toContain(message);
  });

  // Postgres's own texts for errors on a value (SQLSTATE classes 22 and 23), with the detail it attaches.
  it.each([
    [Object.assign(pgError('22P02', 'invalid input syntax for type integer: "CANARY-1 private"'), {}), 'invalid input syntax for type integer: [value removed]'],
    [pgError('22003', 'value "CANARY-22" is out of range for type integer'), 'value [value removed] is out of range for type integer'],
    [Object.assign(pgError('23502', 'null value in column "n" of relation "t" violates not-null constraint'), { detail: 'Failing row contains (1, CANARY-2, null).' }), 'violates not-null constraint'],
    [Object.assign(pgError('23505', 'duplicate key value violates unique constraint "t_pkey"'), { detail: 'Key (id)=(CANARY-3) already exists.' }), 'violates unique constraint "t_pkey"'],
  ])('never quotes the value it failed on: %s', (err, message) => {
    const mapped = toConnectorError(err, ctx);
    expect(mapped.message).toContain(message);
    expect(`${mapped.message} ${mapped.internalMessage} ${mapped.stack}`).not.toContain('CANARY');
  });

  it('passes ConnectorErrors through unchanged', () => {
    const original = new ConnectorError('already mapped', 'config_error');
    expect(toConnectorError(original, ctx)).toBe(original);
  });
});

describeNetworkFailureClassification('source-postgres', (err) => toConnectorError(err, { ...ctx, host: FAILING_HOST }));

describe('check against a server that never answers', () => {
  let silent: net.Server;
  beforeAll(async () => {
    silent = net.createServer(() => {}).listen(0, '127.0.0.1');
    await new Promise((resolve) => silent.once('listening', resolve));
  });
  afterAll(() => {
    silent.close();
  });

  it('fails with a timeout after the connectTimeout from jdbc_url_params', async () => {
    const port = (silent.address() as net.AddressInfo).port;
    const status = await sourcePostgres.check(
      { host: '127.0.0.1', port, database: 'shop', username: 'reader', jdbc_url_params: 'connectTimeout=1' },
      { log: () => {} },
    );
    expect(status).toEqual({ status: 'FAILED', message: `Could not connect to 127.0.0.1:${port}: connection timed out. Check host, port and firewall rules.` });
  });
});
