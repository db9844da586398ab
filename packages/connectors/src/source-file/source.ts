// source-file: one stream (named by dataset_name) read from one file, full refresh only.
import {
  streamStateMessage,
  streamStatusMessage,
  type AirbyteCatalog,
  type AirbyteStream,
  type ConfiguredAirbyteStream,
  type JsonSchema,
} from '@platform/protocol';
import type { SourceOutput } from '../framework/batches';
import type { ConnectorContext, Source } from '../framework/connector';
import { asConnectorError, configError } from '../framework/errors';
import { resolveFile, type FileSourceConfig, type ResolvedFile } from './config';
import { toConnectorError } from './errors';
import { readFileText } from './file-text';
import { spec } from './spec';

/** check parses this many rows: enough to catch a wrong format or delimiter, still instant. */
const CHECK_SAMPLE_ROWS = 1_000;
/** discover infers column types from this many rows. */
const DISCOVER_SAMPLE_ROWS = 10_000;
const RECORDS_PER_BATCH = 2_000;
/** What Airbyte's CDK stores for a finished full-refresh stream. */
const FULL_REFRESH_STATE = { __ab_no_cursor_state_message: true };

function textOf(file: ResolvedFile) {
  return { location: file.location, encoding: file.options.encoding, compression: file.options.compression };
}

async function inferSchema(file: ResolvedFile, sampleRows: number, signal?: AbortSignal): Promise<JsonSchema> {
  try {
    return await file.format.inferSchema(readFileText(textOf(file), signal), sampleRows);
  } catch (err) {
    throw toConnectorError(err, file.location.describe);
  }
}

function streamFor(file: ResolvedFile, schema: JsonSchema): AirbyteStream {
  return {
    name: file.config.dataset_name,
    json_schema: schema,
    supported_sync_modes: ['full_refresh'],
    source_defined_cursor: false,
    is_resumable: false,
  };
}

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
    const text = readFileText(textOf(file), ctx.signal);
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

export const sourceFile: Source<FileSourceConfig> = {
  kind: 'source',
  name: 'source-file',
  spec: () => spec,

  async check(config, ctx) {
    try {
      await inferSchema(resolveFile(config, ctx), CHECK_SAMPLE_ROWS, ctx.signal);
      return { status: 'SUCCEEDED' };
    } catch (err) {
      return { status: 'FAILED', message: asConnectorError(err).message };
    }
  },

  async discover(config, ctx): Promise<AirbyteCatalog> {
    const file = resolveFile(config, ctx);
    return { streams: [streamFor(file, await inferSchema(file, DISCOVER_SAMPLE_ROWS, ctx.signal))] };
  },

  async *read(config, catalog, _state, ctx) {
    const file = resolveFile(config, ctx);
    const configured = selectStream(file, catalog.streams);
    if (configured) yield* readStream(file, configured, ctx);
  },
};
