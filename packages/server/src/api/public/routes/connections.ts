// /connections: create, get, list (paged, by workspace), patch, delete. `configurations.streams`
// names the streams to sync by name (and namespace) with one-word sync modes; the rest of each
// stream (schema, supported modes, keys) comes from a discovery of the source, as Airbyte's API
// fills it.
import type { ApiSchemas } from '../../../schemas/api-schemas';
import { defaultStreamConfig } from '../../../services/catalog';
import { destinationSyncModes } from '../../../services/definitions';
import type { PlatformServices } from '../../../services/platform-services';
import { invalidField } from '../../../shared/errors';
import { paged, pageOf } from '../paging';
import { PUBLIC_NAMESPACE_DEFINITIONS, PUBLIC_NON_BREAKING, toConnectionResponse } from '../presenters/connections';
import { noContent, ok, type PublicRoute } from '../public-route';
import { listParam, optionalEnum, optionalObject, optionalString, requiredString, uuidParam } from '../request-fields';
import { CONNECTION_SYNC_MODES, isConnectionSyncMode, unsupportedSyncModeReason, type ConnectionSyncMode } from '../sync-modes';

type Body = Record<string, unknown>;
type ConnectionFields = Omit<ApiSchemas['ConnectionUpdate'], 'connectionId'>;

function stringPaths(value: unknown, field: string, depth: 1 | 2): string[] | string[][] {
  const isPath = (p: unknown) => Array.isArray(p) && p.every((s) => typeof s === 'string');
  const ok = Array.isArray(value) && (depth === 1 ? isPath(value) : value.every(isPath));
  if (!ok) throw invalidField(field, depth === 1 ? 'must be a list of strings (the path to the cursor field)' : 'must be a list of lists of strings (the paths of the key fields)');
  return value as string[] | string[][];
}

/** The syncCatalog of the streams a request names, completed from a fresh discovery of the source. */
async function syncCatalogFor(services: PlatformServices, sourceId: string, destinationId: string, streams: unknown): Promise<{ syncCatalog: ApiSchemas['AirbyteCatalog']; sourceCatalogId: string }> {
  if (!Array.isArray(streams)) throw invalidField('configurations.streams', 'must be a list of streams ({name, syncMode, ...})');
  const destination = await services.actors.get('destination', destinationId);
  const modes = destinationSyncModes((await services.definitions.load('destination', destination.definitionId)).spec);
  const discovery = await services.actors.discover(sourceId);
  if (!discovery.catalog || !discovery.catalogId) {
    throw invalidField('sourceId', `the source's streams could not be discovered: ${discovery.jobInfo.failureReason?.externalMessage ?? 'discovery failed'}`);
  }
  const discovered = discovery.catalog.streams.map((s) => s.stream);
  const chosen = streams.map((item: unknown, i) => {
    const at = `configurations.streams[${i}]`;
    if (!item || typeof item !== 'object' || Array.isArray(item)) throw invalidField(at, 'must be an object {name, syncMode, cursorField, primaryKey}');
    const given = item as Body;
    const name = requiredString(given, 'name');
    const namespace = optionalString(given, 'namespace');
    const stream = discovered.find((s) => s.name === name && (namespace === undefined || (s.namespace ?? undefined) === namespace));
    if (!stream) throw invalidField(`${at}.name`, `"${name.slice(0, 100)}"${namespace ? ` in namespace ${namespace}` : ''} is not a stream of the source; its streams: ${discovered.map((s) => s.name).join(', ')}`);
    const config = defaultStreamConfig(stream, modes);
    const syncMode = optionalString(given, 'syncMode');
    if (syncMode !== undefined) {
      if (!isConnectionSyncMode(syncMode)) throw invalidField(`${at}.syncMode`, unsupportedSyncModeReason(syncMode));
      [config.syncMode, config.destinationSyncMode] = CONNECTION_SYNC_MODES[syncMode];
      // Named in the request's own terms here; the connection service would name syncCatalog fields.
      if (!modes.includes(config.destinationSyncMode)) {
        const usable = (Object.keys(CONNECTION_SYNC_MODES) as ConnectionSyncMode[]).filter((m) => modes.includes(CONNECTION_SYNC_MODES[m][1]));
        throw invalidField(`${at}.syncMode`, `${syncMode} is not supported by destination ${destination.name}; it supports ${usable.join(', ')}`);
      }
    }
    if (given.cursorField !== undefined) config.cursorField = stringPaths(given.cursorField, `${at}.cursorField`, 1) as string[];
    if (given.primaryKey !== undefined) config.primaryKey = stringPaths(given.primaryKey, `${at}.primaryKey`, 2) as string[][];
    return { stream, config: { ...config, selected: true } };
  });
  if (chosen.length === 0) throw invalidField('configurations.streams', 'name at least one stream to sync (or leave configurations out to sync them all)');
  return { syncCatalog: { streams: chosen }, sourceCatalogId: discovery.catalogId };
}

/** The fields create and patch share, in the Config API's terms. */
function connectionFields(body: Body): ConnectionFields {
  const fields: ConnectionFields = {};
  const name = optionalString(body, 'name');
  if (name !== undefined) fields.name = name;
  const namespaceDefinition = optionalEnum(body, 'namespaceDefinition', Object.keys(PUBLIC_NAMESPACE_DEFINITIONS));
  if (namespaceDefinition) fields.namespaceDefinition = PUBLIC_NAMESPACE_DEFINITIONS[namespaceDefinition];
  const namespaceFormat = optionalString(body, 'namespaceFormat');
  if (namespaceFormat !== undefined) fields.namespaceFormat = namespaceFormat;
  const prefix = optionalString(body, 'prefix');
  if (prefix !== undefined) fields.prefix = prefix;
  const status = optionalEnum(body, 'status', ['active', 'inactive'] as const);
  if (status) fields.status = status;
  const nonBreaking = optionalEnum(body, 'nonBreakingSchemaUpdatesBehavior', Object.keys(PUBLIC_NON_BREAKING));
  if (nonBreaking) fields.nonBreakingChangesPreference = PUBLIC_NON_BREAKING[nonBreaking];
  const schedule = optionalObject(body, 'schedule');
  if (schedule) {
    const scheduleType = optionalEnum(schedule, 'scheduleType', ['manual', 'cron'] as const);
    if (!scheduleType) throw invalidField('schedule.scheduleType', 'is required: manual or cron');
    if (scheduleType === 'manual') fields.scheduleType = 'manual';
    else {
      const cronExpression = optionalString(schedule, 'cronExpression');
      if (!cronExpression) throw invalidField('schedule.cronExpression', 'is required when scheduleType is cron');
      // Airbyte's public API takes no time zone: its cron schedules run in UTC.
      Object.assign(fields, { scheduleType: 'cron', scheduleData: { cron: { cronExpression, cronTimeZone: 'UTC' } } });
    }
  }
  return fields;
}

const connectionId = (params: Record<string, string>) => uuidParam(params.connectionId, 'connectionId');

export const connectionRoutes: PublicRoute[] = [
  {
    method: 'POST',
    path: '/connections',
    async handler({ body, services }) {
      const sourceId = uuidParam(requiredString(body, 'sourceId'), 'sourceId');
      const destinationId = uuidParam(requiredString(body, 'destinationId'), 'destinationId');
      const streams = optionalObject(body, 'configurations')?.streams;
      const catalog = streams === undefined ? {} : await syncCatalogFor(services, sourceId, destinationId, streams);
      const connection = await services.connections.create({ ...connectionFields(body), sourceId, destinationId, ...catalog });
      return ok(toConnectionResponse(connection));
    },
  },
  {
    method: 'GET',
    path: '/connections',
    async handler({ query, url, services }) {
      const ids = listParam(query, 'workspaceIds').map((w) => uuidParam(w, 'workspaceIds'));
      const workspaceIds = ids.length ? ids : (await services.workspaces.list()).map((w) => w.workspaceId);
      const connections = (await Promise.all(workspaceIds.map((w) => services.connections.list(w)))).flat();
      return ok(paged(url, pageOf(query), connections.map(toConnectionResponse)));
    },
  },
  {
    method: 'GET',
    path: '/connections/{connectionId}',
    async handler({ params, services }) {
      return ok(toConnectionResponse(await services.connections.get(connectionId(params))));
    },
  },
  {
    method: 'PATCH',
    path: '/connections/{connectionId}',
    async handler({ params, body, services }) {
      const current = await services.connections.get(connectionId(params));
      const streams = optionalObject(body, 'configurations')?.streams;
      const catalog = streams === undefined ? {} : await syncCatalogFor(services, current.sourceId, current.destinationId, streams);
      return ok(toConnectionResponse(await services.connections.update({ ...connectionFields(body), ...catalog, connectionId: current.connectionId })));
    },
  },
  {
    method: 'DELETE',
    path: '/connections/{connectionId}',
    async handler({ params, services }) {
      await services.connections.delete(connectionId(params));
      return noContent();
    },
  },
];
