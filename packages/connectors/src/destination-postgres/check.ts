// `check` does what a sync will do, on a probe table: create the schema if needed, create a
// table, insert a row into it and drop it, so missing rights show up before a sync.
import { randomUUID } from 'node:crypto';
import type { AirbyteConnectionStatus } from '@platform/protocol';
import type { ConnectorContext } from '../framework/connector';
import { asConnectorError } from '../framework/errors';
import { resolveConfig, type ResolvedConfig } from './config';
import { CHECK_CONNECT_TIMEOUT_MS, errorContext, openConnection } from './connection';
import { toConnectorError } from './errors';
import { quoteIdentifier } from './identifiers';

export async function checkPostgresDestination(rawConfig: unknown, ctx: ConnectorContext): Promise<AirbyteConnectionStatus> {
  let config: ResolvedConfig;
  try {
    config = resolveConfig(rawConfig);
  } catch (err) {
    return { status: 'FAILED', message: asConnectorError(err).message };
  }
  const probe = `${quoteIdentifier(config.schema)}.${quoteIdentifier(`_airbyte_connection_test_${randomUUID().replace(/-/g, '')}`)}`;
  try {
    const client = await openConnection(config, CHECK_CONNECT_TIMEOUT_MS, ctx);
    try {
      await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdentifier(config.schema)}`);
      await client.query(`CREATE TABLE ${probe} (id integer)`);
      await client.query(`INSERT INTO ${probe} VALUES (1)`);
      await client.query(`DROP TABLE ${probe}`);
      return { status: 'SUCCEEDED' };
    } finally {
      await client.end().catch(() => {});
    }
  } catch (err) {
    return { status: 'FAILED', message: toConnectorError(err, errorContext(config, `${config.schema}`)).message };
  }
}
