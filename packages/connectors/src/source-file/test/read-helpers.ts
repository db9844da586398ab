// Small helpers for this connector's tests: run check/discover/read and split what comes out.
import type { AirbyteMessage, ConfiguredAirbyteCatalog } from '@platform/protocol';
import type { ConnectorContext } from '../../framework/connector';
import { sourceFile } from '../index';
import type { FileSourceConfig } from '../config';

export function testContext(logs: string[] = []): ConnectorContext {
  return { log: (level, message) => logs.push(`${level} ${message}`) };
}

export async function catalogFor(config: FileSourceConfig): Promise<ConfiguredAirbyteCatalog> {
  const { streams } = await sourceFile.discover(config, testContext());
  return { streams: streams.map((stream) => ({ stream, sync_mode: 'full_refresh', destination_sync_mode: 'overwrite' })) };
}

export interface ReadResult {
  records: Record<string, unknown>[];
  batchSizes: number[];
  messages: AirbyteMessage[];
  logs: string[];
}

/** discover, then read everything; records come from the RecordBatch arrays. */
export async function readAll(config: FileSourceConfig): Promise<ReadResult> {
  const result: ReadResult = { records: [], batchSizes: [], messages: [], logs: [] };
  for await (const item of sourceFile.read(config, await catalogFor(config), undefined, testContext(result.logs))) {
    if (item.type === 'RECORD_BATCH') {
      result.records.push(...item.records);
      result.batchSizes.push(item.records.length);
    } else if (item.type !== 'CSV_FILE_BATCH') {
      result.messages.push(item);
    }
  }
  return result;
}

export async function checkMessage(config: unknown): Promise<string | undefined> {
  const status = await sourceFile.check(config as FileSourceConfig, testContext());
  return status.status === 'SUCCEEDED' ? 'SUCCEEDED' : status.message;
}
