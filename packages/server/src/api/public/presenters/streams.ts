// A source's discovered streams → Airbyte's StreamPropertiesResponse (a list of
// StreamProperties): the one-word sync modes each stream supports, with the destination's
// modes when one is named.
import type { ApiSchemas } from '../../../schemas/api-schemas';
import type { DestinationSyncMode } from '@platform/protocol';
import { CONNECTION_SYNC_MODES, type ConnectionSyncMode } from '../sync-modes';

export function toStreamProperties(stream: ApiSchemas['AirbyteStream'], destinationModes: readonly DestinationSyncMode[]) {
  const syncModes = (Object.keys(CONNECTION_SYNC_MODES) as ConnectionSyncMode[]).filter((mode) => {
    const [syncMode, destinationSyncMode] = CONNECTION_SYNC_MODES[mode];
    return (stream.supportedSyncModes ?? ['full_refresh']).includes(syncMode) && destinationModes.includes(destinationSyncMode);
  });
  const properties = Object.keys((stream.jsonSchema?.properties as Record<string, unknown> | undefined) ?? {});
  return {
    streamName: stream.name,
    ...(stream.namespace ? { streamnamespace: stream.namespace } : {}),
    syncModes,
    defaultCursorField: stream.defaultCursorField ?? [],
    sourceDefinedCursorField: stream.sourceDefinedCursor ?? false,
    sourceDefinedPrimaryKey: stream.sourceDefinedPrimaryKey ?? [],
    propertyFields: properties.map((p) => [p]),
  };
}
