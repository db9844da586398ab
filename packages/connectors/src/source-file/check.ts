// check: the file opens and its first rows parse in the configured format.
import type { AirbyteConnectionStatus } from '@platform/protocol';
import type { ConnectorContext } from '../framework/connector';
import { asConnectorError } from '../framework/errors';
import { resolveFile } from './config';
import { inferFileSchema } from './discover';

/** check parses this many rows: enough to catch a wrong format or delimiter, still instant. */
const CHECK_SAMPLE_ROWS = 1_000;

export async function checkFile(config: unknown, ctx: ConnectorContext): Promise<AirbyteConnectionStatus> {
  try {
    await inferFileSchema(resolveFile(config, ctx), CHECK_SAMPLE_ROWS, ctx.signal);
    return { status: 'SUCCEEDED' };
  } catch (err) {
    return { status: 'FAILED', message: asConnectorError(err).message };
  }
}
