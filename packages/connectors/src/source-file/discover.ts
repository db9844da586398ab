// discover: one stream, named by dataset_name, typed from a sample of the file's rows.
import type { AirbyteCatalog, AirbyteStream, JsonSchema } from '@platform/protocol';
import type { ConnectorContext } from '../framework/connector';
import { resolveFile, type ResolvedFile } from './config';
import { toConnectorError } from './errors';
import { readFileText } from './file-text';

/** discover infers column types from this many rows. */
const DISCOVER_SAMPLE_ROWS = 10_000;

/** The file's JSON Schema, from its first `sampleRows` rows. */
export async function inferFileSchema(file: ResolvedFile, sampleRows: number, signal?: AbortSignal): Promise<JsonSchema> {
  try {
    return await file.format.inferSchema(readFileText(file, signal), sampleRows);
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

export async function discoverFile(config: unknown, ctx: ConnectorContext): Promise<AirbyteCatalog> {
  const file = resolveFile(config, ctx);
  return { streams: [streamFor(file, await inferFileSchema(file, DISCOVER_SAMPLE_ROWS, ctx.signal))] };
}
