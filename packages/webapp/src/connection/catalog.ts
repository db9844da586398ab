// The connection's streams as the Schema tab edits them: the four sync modes, defaults for
// a newly discovered stream, the fields a cursor or key can use, and the differences a
// refreshed source schema brings against the saved catalog.
import type { Schemas } from '../api/client';

type Catalog = Schemas['AirbyteCatalog'];
type StreamAndConfig = Schemas['AirbyteStreamAndConfiguration'];
type Stream = Schemas['AirbyteStream'];
type DestinationSyncMode = Schemas['DestinationSyncMode'];

export interface SyncModeOption {
  value: string;
  label: string;
  syncMode: Schemas['SyncMode'];
  destinationSyncMode: DestinationSyncMode;
}

export const SYNC_MODE_OPTIONS: SyncModeOption[] = [
  { value: 'full_refresh.overwrite', label: 'Full refresh | Overwrite', syncMode: 'full_refresh', destinationSyncMode: 'overwrite' },
  { value: 'full_refresh.append', label: 'Full refresh | Append', syncMode: 'full_refresh', destinationSyncMode: 'append' },
  { value: 'incremental.append', label: 'Incremental | Append', syncMode: 'incremental', destinationSyncMode: 'append' },
  { value: 'incremental.append_dedup', label: 'Incremental | Append + Deduped', syncMode: 'incremental', destinationSyncMode: 'append_dedup' },
];

export const streamKey = (s: { name: string; namespace?: string | null }) => `${s.namespace ?? ''}.${s.name}`;
export const streamLabel = (s: { name: string; namespace?: string | null }) => (s.namespace ? `${s.namespace}.${s.name}` : s.name);

/** Whether the stream and the destination both support the mode. */
export function modeSupported(option: SyncModeOption, stream: Stream, destinationModes: DestinationSyncMode[]): boolean {
  return (stream.supportedSyncModes ?? ['full_refresh']).includes(option.syncMode) && destinationModes.includes(option.destinationSyncMode);
}

/** Top-level field names of the stream's records (cursor and key candidates). */
export function streamFields(stream: Stream): string[] {
  const properties = (stream.jsonSchema as { properties?: Record<string, unknown> } | undefined)?.properties;
  return properties ? Object.keys(properties) : [];
}

/** Incremental | Append + Deduped when the stream has a cursor and a key, as Airbyte suggests; else the first mode both sides support. */
export function defaultConfig(stream: Stream, destinationModes: DestinationSyncMode[]): Schemas['AirbyteStreamConfiguration'] {
  const cursor = stream.defaultCursorField ?? [];
  const key = stream.sourceDefinedPrimaryKey ?? [];
  const hasCursor = stream.sourceDefinedCursor || cursor.length > 0;
  const preferred = [
    hasCursor && key.length > 0 ? 'incremental.append_dedup' : undefined,
    hasCursor ? 'incremental.append' : undefined,
    'full_refresh.overwrite',
    'full_refresh.append',
    'incremental.append',
  ].filter(Boolean);
  const option =
    preferred.map((v) => SYNC_MODE_OPTIONS.find((o) => o.value === v)!).find((o) => modeSupported(o, stream, destinationModes)) ??
    SYNC_MODE_OPTIONS.find((o) => modeSupported(o, stream, destinationModes)) ??
    SYNC_MODE_OPTIONS[0];
  return { syncMode: option.syncMode, destinationSyncMode: option.destinationSyncMode, cursorField: cursor, primaryKey: key, selected: true };
}

/** A discovered catalog with our defaults for this destination. */
export function withDefaults(discovered: Catalog, destinationModes: DestinationSyncMode[]): Catalog {
  return { streams: discovered.streams.map(({ stream }) => ({ stream, config: defaultConfig(stream, destinationModes) })) };
}

/** Problems that would make the API refuse the catalog, by stream, so the form says them first. */
export function streamProblems(entry: StreamAndConfig): string[] {
  const { stream, config } = entry;
  if (config.selected === false) return [];
  const problems: string[] = [];
  if (config.syncMode === 'incremental' && !stream.sourceDefinedCursor && !config.cursorField?.length) problems.push('pick a cursor field');
  if (config.destinationSyncMode === 'append_dedup' && !stream.sourceDefinedPrimaryKey?.length && !config.primaryKey?.length) problems.push('pick a primary key');
  return problems;
}

export interface StreamDiff {
  stream: string;
  change: 'added' | 'removed' | 'changed';
  fieldsAdded: string[];
  fieldsRemoved: string[];
}

export function diffCatalogs(saved: Catalog, refreshed: Catalog): StreamDiff[] {
  const before = new Map(saved.streams.map((s) => [streamKey(s.stream), s.stream]));
  const after = new Map(refreshed.streams.map((s) => [streamKey(s.stream), s.stream]));
  const diffs: StreamDiff[] = [];
  for (const [key, stream] of after) {
    const old = before.get(key);
    if (!old) {
      diffs.push({ stream: streamLabel(stream), change: 'added', fieldsAdded: [], fieldsRemoved: [] });
      continue;
    }
    const oldFields = new Set(streamFields(old));
    const newFields = new Set(streamFields(stream));
    const fieldsAdded = [...newFields].filter((f) => !oldFields.has(f));
    const fieldsRemoved = [...oldFields].filter((f) => !newFields.has(f));
    if (fieldsAdded.length || fieldsRemoved.length) diffs.push({ stream: streamLabel(stream), change: 'changed', fieldsAdded, fieldsRemoved });
  }
  for (const [key, stream] of before) if (!after.has(key)) diffs.push({ stream: streamLabel(stream), change: 'removed', fieldsAdded: [], fieldsRemoved: [] });
  return diffs;
}

/** The refreshed streams with the saved configuration kept where a stream still exists; new streams start unselected. */
export function mergeRefreshed(saved: Catalog, refreshed: Catalog, destinationModes: DestinationSyncMode[]): Catalog {
  const configs = new Map(saved.streams.map((s) => [streamKey(s.stream), s.config]));
  return {
    streams: refreshed.streams.map(({ stream }) => {
      const config = configs.get(streamKey(stream));
      if (!config) return { stream, config: { ...defaultConfig(stream, destinationModes), selected: false } };
      const fields = new Set(streamFields(stream));
      const cursorGone = config.cursorField?.length && !fields.has(config.cursorField[0]);
      return { stream, config: cursorGone ? { ...config, cursorField: [] } : config };
    }),
  };
}
