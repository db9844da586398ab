// Catalog shapes: connectors speak the protocol (snake_case AirbyteCatalog), the API speaks
// Airbyte's camelCase AirbyteCatalog of {stream, config} pairs. Connections store the API
// shape; the worker gets the protocol's ConfiguredAirbyteCatalog from toConfiguredCatalog.
import type {
  AirbyteCatalog as ProtocolCatalog,
  AirbyteStream as ProtocolStream,
  ConfiguredAirbyteCatalog,
  DestinationSyncMode,
  StreamDescriptor,
  SyncMode,
} from '@platform/protocol';
import type { ApiSchemas } from '../schemas/api-schemas';

type ApiCatalog = ApiSchemas['AirbyteCatalog'];
type ApiStream = ApiSchemas['AirbyteStream'];
type ApiStreamConfig = ApiSchemas['AirbyteStreamConfiguration'];

const ALL_DESTINATION_SYNC_MODES: DestinationSyncMode[] = ['overwrite', 'append', 'append_dedup'];

/** Key of a stream within a catalog: namespace and name. */
export function streamKey(stream: { name: string; namespace?: string | null }): string {
  return `${stream.namespace ?? ''}\u0000${stream.name}`;
}

export function toApiStream(s: ProtocolStream): ApiStream {
  return {
    name: s.name,
    jsonSchema: s.json_schema,
    supportedSyncModes: s.supported_sync_modes,
    sourceDefinedCursor: s.source_defined_cursor ?? false,
    defaultCursorField: s.default_cursor_field ?? [],
    sourceDefinedPrimaryKey: s.source_defined_primary_key ?? [],
    namespace: s.namespace ?? null,
    ...(s.is_resumable === undefined ? {} : { isResumable: s.is_resumable }),
  };
}

/**
 * Sensible defaults, like Airbyte's UI: incremental when the source offers a cursor,
 * deduplicated when there is also a primary key, otherwise full refresh | overwrite — each
 * only if the destination supports it.
 */
export function defaultStreamConfig(stream: ApiStream, destinationModes: DestinationSyncMode[] = ALL_DESTINATION_SYNC_MODES): ApiStreamConfig {
  const cursor = stream.defaultCursorField ?? [];
  const primaryKey = stream.sourceDefinedPrimaryKey ?? [];
  const canIncremental = (stream.supportedSyncModes ?? []).includes('incremental') && (stream.sourceDefinedCursor || cursor.length > 0);
  const fullRefreshOnly = !(stream.supportedSyncModes ?? ['full_refresh']).includes('full_refresh');
  const candidates: Array<[SyncMode, DestinationSyncMode, boolean]> = [
    ['incremental', 'append_dedup', canIncremental && primaryKey.length > 0],
    ['incremental', 'append', canIncremental],
    ['full_refresh', 'overwrite', !fullRefreshOnly],
    ['full_refresh', 'append', !fullRefreshOnly],
  ];
  const [syncMode, destinationSyncMode] = candidates.find(([, mode, ok]) => ok && destinationModes.includes(mode)) ?? ['full_refresh', destinationModes[0] ?? 'overwrite'];
  return { syncMode, destinationSyncMode, cursorField: cursor, primaryKey, aliasName: stream.name, selected: true };
}

/** A discovered catalog as the API returns it: every stream with default config, selected. */
export function toApiCatalog(catalog: ProtocolCatalog, destinationModes?: DestinationSyncMode[]): ApiCatalog {
  return {
    streams: catalog.streams.map((s) => {
      const stream = toApiStream(s);
      return { stream, config: defaultStreamConfig(stream, destinationModes) };
    }),
  };
}

/**
 * Completes a client's syncCatalog from the discovered one: stream fields the client left
 * out (jsonSchema, supportedSyncModes, ...) come from discovery; `selected` defaults to true.
 */
export function completeSyncCatalog(syncCatalog: ApiCatalog, discovered: ProtocolCatalog | undefined): ApiCatalog {
  const known = new Map((discovered?.streams ?? []).map((s) => [streamKey(s), toApiStream(s)]));
  return {
    streams: syncCatalog.streams.map(({ stream, config }) => {
      // A client may omit the namespace of a namespaced discovered stream; match by name then.
      const found = known.get(streamKey(stream)) ?? (stream.namespace == null ? [...known.values()].find((k) => k.name === stream.name) : undefined);
      const sent = stripUndefined(stream);
      if (found && !hasProperties(sent.jsonSchema)) delete sent.jsonSchema;
      const fullStream: ApiStream = { ...found, ...sent, name: stream.name };
      return {
        stream: { ...fullStream, jsonSchema: fullStream.jsonSchema ?? {}, supportedSyncModes: fullStream.supportedSyncModes ?? ['full_refresh', 'incremental'] },
        config: { ...config, selected: config.selected ?? true, aliasName: config.aliasName ?? stream.name },
      };
    }),
  };
}

/**
 * A jsonSchema without `properties` (`{}`, `{type: "object"}`, the guide's `{...}` placeholder) describes
 * no field: it counts as not sent, so the discovered schema is used instead of an empty one.
 */
function hasProperties(jsonSchema: ApiStream['jsonSchema']): boolean {
  const properties = (jsonSchema as { properties?: unknown } | undefined)?.properties;
  return typeof properties === 'object' && properties !== null;
}

/** Fields the client sent; null counts as not sent (e.g. `namespace: null` for a namespaced stream). */
function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined && v !== null)) as Partial<T>;
}

/** The protocol catalog the worker hands to source.read and destination.write: selected streams only. */
export function toConfiguredCatalog(syncCatalog: ApiCatalog): ConfiguredAirbyteCatalog {
  return {
    streams: syncCatalog.streams
      .filter(({ config }) => config.selected !== false)
      .map(({ stream, config }) => ({
        stream: {
          name: stream.name,
          json_schema: stream.jsonSchema ?? {},
          supported_sync_modes: stream.supportedSyncModes ?? [config.syncMode],
          source_defined_cursor: stream.sourceDefinedCursor ?? false,
          default_cursor_field: stream.defaultCursorField ?? [],
          source_defined_primary_key: stream.sourceDefinedPrimaryKey ?? [],
          namespace: stream.namespace ?? null,
        },
        sync_mode: config.syncMode,
        // A source-defined cursor wins over the configured one, as in Airbyte.
        cursor_field: stream.sourceDefinedCursor && stream.defaultCursorField?.length ? stream.defaultCursorField : (config.cursorField ?? []),
        destination_sync_mode: config.destinationSyncMode,
        primary_key: config.primaryKey?.length ? config.primaryKey : (stream.sourceDefinedPrimaryKey ?? []),
      })),
  };
}

/**
 * The streams whose destination data a catalog change makes stale, as Airbyte resets them after
 * web_backend/connections/update without skipReset: selected before and after, with another
 * sync mode, destination sync mode, cursor or primary key. Added and deselected streams keep
 * what the destination holds.
 */
export function streamsToResetAfterChange(before: ApiCatalog, after: ApiCatalog): StreamDescriptor[] {
  const selected = (catalog: ApiCatalog) => catalog.streams.filter((s) => s.config.selected !== false);
  const previous = new Map(selected(before).map((s) => [streamKey(s.stream), s.config]));
  const same = (a: unknown, b: unknown) => JSON.stringify(a ?? []) === JSON.stringify(b ?? []);
  return selected(after)
    .filter(({ stream, config }) => {
      const old = previous.get(streamKey(stream));
      if (!old) return false;
      return old.syncMode !== config.syncMode || old.destinationSyncMode !== config.destinationSyncMode || !same(old.cursorField, config.cursorField) || !same(old.primaryKey, config.primaryKey);
    })
    .map(({ stream }) => ({ name: stream.name, namespace: stream.namespace ?? null }));
}
