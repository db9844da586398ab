// Idempotent seeding: creates or updates, by name, the workspace, sources, destinations
// and connections of seed files. Re-running converges on the files and never duplicates.
import { unwrap, type PlatformClient, type Schemas } from './client';
import { coerceToSchema } from './coerce';
import type { Env } from './interpolate';
import type { DremioClient, S3SourceInput } from '@platform/lake-query/client';
import { readSeedFile, type SeedActor, type SeedConnection, type SeedDremioSource, type SeedStream, type SeedWorkspace } from './seed-file';

export type SeedAction = 'created' | 'updated';

export interface SeededObject {
  kind: 'workspace' | 'source' | 'destination' | 'connection' | 'dremio source';
  name: string;
  id: string;
  action: SeedAction;
}

export class SeedError extends Error {
  override name = 'SeedError';
}

export interface SeedOptions {
  /** A logged-in client of the query service, for the files' dremio_sources. */
  query?: () => Promise<DremioClient>;
}

/** Seeds each file in order; later files may refer to objects of earlier ones by name. */
export async function seed(client: PlatformClient, files: string[], env: Env = process.env, options: SeedOptions = {}): Promise<SeededObject[]> {
  // Read every file before writing anything, so a missing variable changes nothing.
  const contents = files.map((file) => readSeedFile(file, env));
  const seeded: SeededObject[] = [];
  for (const content of contents) {
    const workspace = content.workspace ? await upsertWorkspace(client, content.workspace) : undefined;
    if (workspace) seeded.push(workspace);
    const workspaceId = workspace?.id;
    for (const source of content.sources) seeded.push(await upsertActor(client, SOURCES, source, workspaceId));
    for (const destination of content.destinations) seeded.push(await upsertActor(client, DESTINATIONS, destination, workspaceId));
    for (const connection of content.connections) seeded.push(await upsertConnection(client, connection, workspaceId));
    if (content.dremioSources.length && !options.query) throw new SeedError(`${content.file}: dremio_sources need the query service, which this seeding was not given`);
    for (const source of content.dremioSources) seeded.push(await upsertDremioSource(await options.query!(), source));
  }
  return seeded;
}

async function upsertWorkspace(client: PlatformClient, { slug, name, email }: SeedWorkspace): Promise<SeededObject> {
  let existing: Schemas['WorkspaceRead'] | undefined;
  if (slug) {
    // A slug is never created here (the server derives slugs from names): it must exist.
    const found = await client.POST('/v1/workspaces/get_by_slug', { body: { slug } });
    if (found.response.status === 404) throw new SeedError(`no workspace with slug "${slug}"; leave the slug out to find or create the workspace by name`);
    existing = await unwrap('workspaces/get_by_slug', Promise.resolve(found));
  } else {
    const { workspaces } = await unwrap('workspaces/list', client.POST('/v1/workspaces/list'));
    existing = findByName(workspaces.map((w) => ({ ...w, id: w.workspaceId })), name, 'workspace');
  }
  if (existing) {
    await unwrap('workspaces/update', client.POST('/v1/workspaces/update', { body: { workspaceId: existing.workspaceId, name, email } }));
    return { kind: 'workspace', name, id: existing.workspaceId, action: 'updated' };
  }
  const created = await unwrap('workspaces/create', client.POST('/v1/workspaces/create', { body: { name, email } }));
  return { kind: 'workspace', name, id: created.workspaceId, action: 'created' };
}

interface ActorRef {
  id: string;
  name: string;
  definitionId: string;
}

/** What differs between sources and destinations, so one upsert serves both. */
interface ActorApi {
  kind: 'source' | 'destination';
  definitions(client: PlatformClient): Promise<{ id: string; name: string; dockerRepository: string }[]>;
  specification(client: PlatformClient, definitionId: string, workspaceId?: string): Promise<unknown>;
  list(client: PlatformClient, workspaceId?: string): Promise<ActorRef[]>;
  create(client: PlatformClient, body: { definitionId: string; name: string; configuration: Record<string, unknown>; workspaceId?: string }): Promise<string>;
  update(client: PlatformClient, body: { id: string; name: string; configuration: Record<string, unknown> }): Promise<void>;
}

const SOURCES: ActorApi = {
  kind: 'source',
  definitions: async (client) =>
    (await unwrap('source_definitions/list', client.POST('/v1/source_definitions/list'))).sourceDefinitions.map((d) => ({ id: d.sourceDefinitionId, ...d })),
  specification: async (client, sourceDefinitionId, workspaceId) =>
    (await unwrap('source_definition_specifications/get', client.POST('/v1/source_definition_specifications/get', { body: { sourceDefinitionId, workspaceId } })))
      .connectionSpecification,
  list: async (client, workspaceId) =>
    (await unwrap('sources/list', client.POST('/v1/sources/list', { body: { workspaceId } }))).sources.map((s) => ({
      id: s.sourceId,
      name: s.name,
      definitionId: s.sourceDefinitionId,
    })),
  create: async (client, { definitionId, name, configuration, workspaceId }) =>
    (await unwrap('sources/create', client.POST('/v1/sources/create', { body: { sourceDefinitionId: definitionId, name, connectionConfiguration: configuration, workspaceId } })))
      .sourceId,
  update: async (client, { id, name, configuration }) => {
    await unwrap('sources/update', client.POST('/v1/sources/update', { body: { sourceId: id, name, connectionConfiguration: configuration } }));
  },
};

const DESTINATIONS: ActorApi = {
  kind: 'destination',
  definitions: async (client) =>
    (await unwrap('destination_definitions/list', client.POST('/v1/destination_definitions/list'))).destinationDefinitions.map((d) => ({
      id: d.destinationDefinitionId,
      ...d,
    })),
  specification: async (client, destinationDefinitionId, workspaceId) =>
    (
      await unwrap(
        'destination_definition_specifications/get',
        client.POST('/v1/destination_definition_specifications/get', { body: { destinationDefinitionId, workspaceId } }),
      )
    ).connectionSpecification,
  list: async (client, workspaceId) =>
    (await unwrap('destinations/list', client.POST('/v1/destinations/list', { body: { workspaceId } }))).destinations.map((d) => ({
      id: d.destinationId,
      name: d.name,
      definitionId: d.destinationDefinitionId,
    })),
  create: async (client, { definitionId, name, configuration, workspaceId }) =>
    (
      await unwrap(
        'destinations/create',
        client.POST('/v1/destinations/create', { body: { destinationDefinitionId: definitionId, name, connectionConfiguration: configuration, workspaceId } }),
      )
    ).destinationId,
  update: async (client, { id, name, configuration }) => {
    await unwrap('destinations/update', client.POST('/v1/destinations/update', { body: { destinationId: id, name, connectionConfiguration: configuration } }));
  },
};

async function upsertActor(client: PlatformClient, api: ActorApi, wanted: SeedActor, workspaceId?: string): Promise<SeededObject> {
  const definitions = await api.definitions(client);
  const definition = definitions.find((d) => [d.id, d.dockerRepository, d.name].includes(wanted.definition));
  if (!definition) {
    throw new SeedError(`${api.kind} "${wanted.name}": unknown definition "${wanted.definition}" (known: ${definitions.map((d) => d.dockerRepository).join(', ')})`);
  }
  const spec = await api.specification(client, definition.id, workspaceId);
  const configuration = coerceToSchema(wanted.configuration, spec as object) as Record<string, unknown>;
  const existing = findByName(await api.list(client, workspaceId), wanted.name, api.kind);
  if (existing) {
    if (existing.definitionId !== definition.id) {
      throw new SeedError(`${api.kind} "${wanted.name}" exists with another connector; delete it or rename it in the seed file`);
    }
    await api.update(client, { id: existing.id, name: wanted.name, configuration });
    return { kind: api.kind, name: wanted.name, id: existing.id, action: 'updated' };
  }
  const id = await api.create(client, { definitionId: definition.id, name: wanted.name, configuration, workspaceId });
  return { kind: api.kind, name: wanted.name, id, action: 'created' };
}

async function upsertConnection(client: PlatformClient, wanted: SeedConnection, workspaceId?: string): Promise<SeededObject> {
  const where = `connection "${wanted.name}"`;
  const source = findByName(await SOURCES.list(client, workspaceId), wanted.source, 'source');
  const destination = findByName(await DESTINATIONS.list(client, workspaceId), wanted.destination, 'destination');
  if (!source) throw new SeedError(`${where}: no source named "${wanted.source}"`);
  if (!destination) throw new SeedError(`${where}: no destination named "${wanted.destination}"`);

  const discovered = await unwrap('sources/discover_schema', client.POST('/v1/sources/discover_schema', { body: { sourceId: source.id, disable_cache: true } }));
  if (!discovered.catalog) {
    const reason = discovered.jobInfo.failureReason?.externalMessage ?? 'no catalog returned';
    throw new SeedError(`${where}: discovering the schema of source "${wanted.source}" failed: ${reason}`);
  }
  const syncCatalog = selectStreams(discovered.catalog, wanted.streams, where);
  const settings = wanted.settings as Partial<Schemas['ConnectionCreate']>;

  const { connections } = await unwrap('connections/list', client.POST('/v1/connections/list', { body: { workspaceId } }));
  const existing = findByName(
    connections.filter((c) => c.status !== 'deprecated').map((c) => ({ ...c, id: c.connectionId })),
    wanted.name,
    'connection',
  );
  if (existing) {
    // The source or destination of an existing connection cannot change (as in Airbyte).
    if (existing.sourceId !== source.id || existing.destinationId !== destination.id) {
      throw new SeedError(`${where} exists with another source or destination; delete it or rename it in the seed file`);
    }
    await unwrap('connections/update', client.POST('/v1/connections/update', { body: { ...settings, connectionId: existing.id, name: wanted.name, syncCatalog } }));
    return { kind: 'connection', name: wanted.name, id: existing.id, action: 'updated' };
  }
  const created = await unwrap(
    'connections/create',
    client.POST('/v1/connections/create', {
      body: { ...settings, name: wanted.name, sourceId: source.id, destinationId: destination.id, syncCatalog, sourceCatalogId: discovered.catalogId },
    }),
  );
  return { kind: 'connection', name: wanted.name, id: created.connectionId, action: 'created' };
}

/** Creates or updates, by name (ignoring case, as Dremio names are), a source of the query service's catalog. */
async function upsertDremioSource(query: DremioClient, wanted: SeedDremioSource): Promise<SeededObject> {
  const body = { entityType: 'source', name: wanted.name, type: wanted.type, config: wanted.config } as S3SourceInput;
  const { data } = await query.catalog();
  const existing = data.find((e) => e.containerType === 'SOURCE' && e.path[0].toLowerCase() === wanted.name.toLowerCase());
  if (existing) {
    // Dremio updates a source only with its id and current tag (its version), as listed.
    await query.updateCatalogEntity(existing.id, { ...body, id: existing.id, ...(existing.tag ? { tag: existing.tag } : {}) });
    return { kind: 'dremio source', name: wanted.name, id: existing.id, action: 'updated' };
  }
  const created = await query.createCatalogEntity(body);
  return { kind: 'dremio source', name: wanted.name, id: created.id, action: 'created' };
}

/** The discovered catalog with only the seed's streams selected, configured as the seed says. */
export function selectStreams(catalog: Schemas['AirbyteCatalog'], wanted: SeedStream[], where: string): Schemas['AirbyteCatalog'] {
  const matches = (entry: Schemas['AirbyteStreamAndConfiguration'], stream: SeedStream) =>
    entry.stream.name === stream.name && (stream.namespace === undefined || entry.stream.namespace === stream.namespace);
  for (const stream of wanted) {
    const found = catalog.streams.filter((entry) => matches(entry, stream));
    const label = stream.namespace ? `${stream.namespace}.${stream.name}` : stream.name;
    if (found.length === 0) {
      const known = catalog.streams.map((e) => (e.stream.namespace ? `${e.stream.namespace}.${e.stream.name}` : e.stream.name));
      throw new SeedError(`${where}: the source has no stream ${label} (discovered: ${known.join(', ')})`);
    }
    if (found.length > 1) throw new SeedError(`${where}: stream ${label} is in several namespaces; give its namespace`);
    const supported = found[0].stream.supportedSyncModes;
    if (supported && !supported.includes(stream.syncMode)) {
      throw new SeedError(`${where}: stream ${label} does not support ${stream.syncMode} (supported: ${supported.join(', ')})`);
    }
  }
  return {
    streams: catalog.streams.map((entry) => {
      const stream = wanted.find((s) => matches(entry, s));
      if (!stream) return { stream: entry.stream, config: { ...entry.config, selected: false } };
      return {
        stream: entry.stream,
        config: {
          ...entry.config,
          selected: true,
          syncMode: stream.syncMode,
          destinationSyncMode: stream.destinationSyncMode,
          cursorField: stream.cursorField ?? entry.config.cursorField ?? [],
          primaryKey: stream.primaryKey ?? entry.stream.sourceDefinedPrimaryKey ?? [],
        },
      };
    }),
  };
}

function findByName<T extends { id: string; name: string }>(items: T[], name: string, kind: string): T | undefined {
  const found = items.filter((item) => item.name === name);
  if (found.length > 1) throw new SeedError(`there are ${found.length} ${kind}s named "${name}" (${found.map((f) => f.id).join(', ')}); seeding needs names to be unique`);
  return found[0];
}
