// Is a connection's syncCatalog runnable? Each selected stream must exist in the source's
// catalog, use a sync mode the source supports and a destination sync mode the destination
// supports, and have a cursor (incremental) and a primary key (append_dedup).
import type { DestinationSyncMode, SyncMode } from '@platform/protocol';
import type { ApiSchemas } from '../schemas/api-schemas';
import type { InvalidInputDetail } from '../shared/errors';
import { streamKey } from './catalog';

const SYNC_MODE_LABEL: Record<SyncMode, string> = { full_refresh: 'Full Refresh', incremental: 'Incremental' };
const DESTINATION_SYNC_MODE_LABEL: Record<DestinationSyncMode, string> = { overwrite: 'Overwrite', append: 'Append', append_dedup: 'Deduped' };

export interface SyncModeContext {
  /** The destination's display name, e.g. "S3". */
  destinationName: string;
  destinationModes: DestinationSyncMode[];
  /** The source's discovered streams; undefined when it was never discovered (the client's stream descriptions are trusted then). */
  discoveredStreams?: Array<{ name: string; namespace?: string | null }>;
}

const streamLabel = (s: { name: string; namespace?: string | null }) => (s.namespace ? `${s.namespace}.${s.name}` : s.name);

/** Whether a field path (["contact", "email"]) exists in a stream's JSON schema; unknown schemas allow anything. */
function schemaHasField(jsonSchema: Record<string, unknown> | undefined, path: string[]): boolean {
  let node = jsonSchema as { properties?: Record<string, unknown> } | undefined;
  for (const key of path) {
    if (!node?.properties) return true;
    node = node.properties[key] as typeof node;
    if (!node) return false;
  }
  return true;
}

export function syncCatalogProblems(catalog: ApiSchemas['AirbyteCatalog'], ctx: SyncModeContext): InvalidInputDetail[] {
  const problems: InvalidInputDetail[] = [];
  const seen = new Set<string>();
  const discoveredKeys = ctx.discoveredStreams && new Set(ctx.discoveredStreams.map(streamKey));
  catalog.streams.forEach(({ stream, config }, i) => {
    const at = (field: string) => `syncCatalog.streams[${i}].${field}`;
    const name = streamLabel(stream);
    const key = streamKey(stream);
    if (seen.has(key)) problems.push({ path: at('stream.name'), message: `stream ${name} appears more than once` });
    seen.add(key);
    if (config.selected === false) return;

    if (discoveredKeys && !discoveredKeys.has(streamKey(stream))) {
      const names = ctx.discoveredStreams!.map(streamLabel);
      problems.push({
        path: at('stream.name'),
        message: `stream ${name} is not in the source's catalog (streams: ${names.join(', ') || 'none'}); run sources/discover_schema again if the source changed`,
      });
      return;
    }
    const supported = stream.supportedSyncModes ?? [];
    if (supported.length && !supported.includes(config.syncMode)) {
      problems.push({ path: at('config.syncMode'), message: `stream ${name} does not support ${config.syncMode}; supported: ${supported.join(', ')}` });
    }
    if (!ctx.destinationModes.includes(config.destinationSyncMode)) {
      const label = `${SYNC_MODE_LABEL[config.syncMode]} | ${DESTINATION_SYNC_MODE_LABEL[config.destinationSyncMode]}`;
      problems.push({
        path: at('config.destinationSyncMode'),
        message: `destination ${ctx.destinationName} does not support ${label} (${config.destinationSyncMode}) for stream ${name}; supported: ${ctx.destinationModes.join(', ')}`,
      });
    }
    const cursor = stream.sourceDefinedCursor && stream.defaultCursorField?.length ? stream.defaultCursorField : config.cursorField;
    if (config.syncMode === 'incremental') {
      if (!cursor?.length && !stream.sourceDefinedCursor) {
        problems.push({ path: at('config.cursorField'), message: `stream ${name} uses incremental sync and needs a cursor field, e.g. ["updated_at"]` });
      } else if (cursor?.length && !schemaHasField(stream.jsonSchema, cursor)) {
        problems.push({ path: at('config.cursorField'), message: `cursor field ${cursor.join('.')} is not a field of stream ${name}` });
      }
    }
    const primaryKey = config.primaryKey?.length ? config.primaryKey : stream.sourceDefinedPrimaryKey;
    if (config.destinationSyncMode === 'append_dedup') {
      if (!primaryKey?.length) {
        problems.push({ path: at('config.primaryKey'), message: `stream ${name} uses deduplication (append_dedup) and needs a primary key, e.g. [["id"]]` });
      } else {
        for (const keyPath of primaryKey) {
          if (!schemaHasField(stream.jsonSchema, keyPath)) problems.push({ path: at('config.primaryKey'), message: `primary key field ${keyPath.join('.')} is not a field of stream ${name}` });
        }
      }
    }
  });
  return problems;
}
