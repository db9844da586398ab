import type { AirbyteConnectionStatus } from '@platform/protocol';
import type { ConnectorContext } from '../framework/connector';
import { asConnectorError } from '../framework/errors';
import { inspectReplication } from './cdc-slot';
import { cdcMethod, resolveConfig } from './config';
import { CHECK_CONNECT_TIMEOUT_MS, connect, errorContext } from './connection';
import { toConnectorError } from './errors';

/**
 * Connects and confirms the configured schemas exist, and for CDC everything logical
 * replication needs; every failure is a FAILED status naming its cause and fix.
 */
export async function checkPostgres(rawConfig: unknown, ctx: ConnectorContext): Promise<AirbyteConnectionStatus> {
  let config;
  try {
    config = resolveConfig(rawConfig);
  } catch (err) {
    return { status: 'FAILED', message: asConnectorError(err).message };
  }
  try {
    const client = await connect(config, { connectTimeoutMs: CHECK_CONNECT_TIMEOUT_MS, ctx });
    try {
      const { rows } = await client.query<{ name: string }>(
        'SELECT s.name FROM unnest($1::text[]) AS s(name) WHERE NOT EXISTS (SELECT 1 FROM pg_namespace n WHERE n.nspname = s.name)',
        [config.schemas],
      );
      if (rows.length > 0) {
        const names = rows.map((r) => `"${r.name}"`).join(', ');
        return { status: 'FAILED', message: `Schema ${names} does not exist in database "${config.database}". Check the schemas setting.` };
      }
      const cdc = cdcMethod(config);
      if (!cdc) return { status: 'SUCCEEDED' };
      const report = await inspectReplication(client, cdc, config.database, config.username);
      if (report.problems.length > 0) return { status: 'FAILED', message: [...report.problems, ...report.notes].join('\n') };
      return report.notes.length > 0 ? { status: 'SUCCEEDED', message: report.notes.join('\n') } : { status: 'SUCCEEDED' };
    } finally {
      await client.end().catch(() => {});
    }
  } catch (err) {
    return { status: 'FAILED', message: toConnectorError(err, errorContext(config)).message };
  }
}
