// read: the one stream, full refresh, in record batches.
import { streamStateMessage, streamStatusMessage, type ConfiguredAirbyteCatalog, type ConfiguredAirbyteStream } from '@platform/protocol';
import type { SourceOutput } from '../framework/batches';
import type { ConnectorContext } from '../framework/connector';
import { configError } from '../framework/errors';
import { resolveFile, type ResolvedFile } from './config';
import { toConnectorError } from './errors';
import { readFileText } from './file-text';

const RECORDS_PER_BATCH = 2_000;
/** What Airbyte's CDK stores for a finished full-refresh stream. */
const FULL_REFRESH_STATE = { __ab_no_cursor_state_message: true };

/** The configured streams this source serves; anything else in the catalog is a config error. */
function selectStream(file: ResolvedFile, streams: ConfiguredAirbyteStream[]): ConfiguredAirbyteStream | undefined {
  const name = file.config.dataset_name;
  for (const s of streams) {
    if (s.stream.name !== name || s.stream.namespace) throw configError(`The catalog asks for stream "${s.stream.name}", but this source has only "${name}"`);
    if (s.sync_mode !== 'full_refresh') throw configError(`Stream "${name}" supports only full_refresh, not ${s.sync_mode}`);
  }
  return streams[0];
}

async function* readStream(file: ResolvedFile, configured: ConfiguredAirbyteStream, ctx: ConnectorContext): AsyncGenerator<SourceOutput> {
  const descriptor = { name: configured.stream.name };
  yield streamStatusMessage(descriptor, 'STARTED');
  let count = 0;
  try {
    const text = readFileText(file, ctx.signal);
    const warn = (message: string) => ctx.log('WARN', `${file.config.dataset_name}: ${message}`);
    for await (const records of file.format.readBatches(text, configured.stream.json_schema, RECORDS_PER_BATCH, warn)) {
      if (count === 0) yield streamStatusMessage(descriptor, 'RUNNING');
      count += records.length;
      yield { type: 'RECORD_BATCH', stream: descriptor.name, emittedAt: Date.now(), records };
    }
  } catch (err) {
    yield streamStatusMessage(descriptor, 'INCOMPLETE');
    throw toConnectorError(err, file.location.describe);
  }
  yield streamStateMessage(descriptor, FULL_REFRESH_STATE, count);
  yield streamStatusMessage(descriptor, 'COMPLETE');
}

export async function* readFile(config: unknown, catalog: ConfiguredAirbyteCatalog, ctx: ConnectorContext): AsyncGenerator<SourceOutput> {
  const file = resolveFile(config, ctx);
  const configured = selectStream(file, catalog.streams);
  if (configured) yield* readStream(file, configured, ctx);
}
