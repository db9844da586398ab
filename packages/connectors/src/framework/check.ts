// `check` as every caller (CLI, API, worker) runs it: any thrown error becomes a FAILED
// status naming the cause, never a stack trace.
import type { AirbyteConnectionStatus } from '@platform/protocol';
import type { Connector, ConnectorContext } from './connector';
import { asConnectorError } from './errors';

export async function checkConnection(connector: Connector, config: Record<string, unknown>, ctx: ConnectorContext): Promise<AirbyteConnectionStatus> {
  try {
    return await connector.check(config, ctx);
  } catch (err) {
    return { status: 'FAILED', message: asConnectorError(err).message };
  }
}
