// TanStack Query over the generated client: what each page reads (cached, polled while a job
// runs) and the mutations that invalidate it. Types all come from openapi.yaml.
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap, type Schemas } from './client';

export type ActorKind = 'source' | 'destination';
export const ACTIVE_JOB_STATUSES: Schemas['JobStatus'][] = ['pending', 'running', 'incomplete'];
const LIST_POLL_MS = 5_000;
const RUNNING_POLL_MS = 1_000;

export const keys = {
  connections: ['connections'] as const,
  connection: (id: string) => ['connection', id] as const,
  jobs: (connectionId: string) => ['jobs', connectionId] as const,
  actors: (kind: ActorKind) => [kind, 'list'] as const,
  actor: (kind: ActorKind, id: string) => [kind, id] as const,
  definitions: (kind: ActorKind) => [kind, 'definitions'] as const,
  spec: (kind: ActorKind, definitionId: string) => [kind, 'spec', definitionId] as const,
};

export function useConnectionList() {
  return useQuery({
    queryKey: keys.connections,
    queryFn: () => unwrap('web_backend/connections/list', api.POST('/v1/web_backend/connections/list', { body: {} })),
    refetchInterval: LIST_POLL_MS,
  });
}

export function useConnection(connectionId: string) {
  return useQuery({
    queryKey: keys.connection(connectionId),
    queryFn: () => unwrap('connections/get', api.POST('/v1/connections/get', { body: { connectionId } })),
  });
}

/** A connection's jobs, newest first, polled fast while one runs. */
export function useJobs(connectionId: string, pageSize: number) {
  return useQuery({
    queryKey: [...keys.jobs(connectionId), pageSize],
    queryFn: () =>
      unwrap('jobs/list', api.POST('/v1/jobs/list', { body: { configTypes: ['sync', 'reset_connection'], configId: connectionId, pagination: { pageSize, rowOffset: 0 } } })),
    placeholderData: keepPreviousData,
    refetchInterval: (query) => (query.state.data?.jobs.some((j) => ACTIVE_JOB_STATUSES.includes(j.job.status)) ? RUNNING_POLL_MS : LIST_POLL_MS),
  });
}

export function useActors(kind: ActorKind) {
  return useQuery({
    queryKey: keys.actors(kind),
    queryFn: async (): Promise<ActorRead[]> =>
      kind === 'source'
        ? (await unwrap('sources/list', api.POST('/v1/sources/list', { body: {} }))).sources.map(fromSource)
        : (await unwrap('destinations/list', api.POST('/v1/destinations/list', { body: {} }))).destinations.map(fromDestination),
  });
}

export function useActor(kind: ActorKind, id: string | undefined) {
  return useQuery({
    queryKey: keys.actor(kind, id ?? ''),
    enabled: Boolean(id),
    queryFn: async (): Promise<ActorRead> =>
      kind === 'source'
        ? fromSource(await unwrap('sources/get', api.POST('/v1/sources/get', { body: { sourceId: id! } })))
        : fromDestination(await unwrap('destinations/get', api.POST('/v1/destinations/get', { body: { destinationId: id! } }))),
  });
}

export interface DefinitionRead {
  definitionId: string;
  name: string;
  dockerRepository: string;
}

export function useDefinitions(kind: ActorKind) {
  return useQuery({
    queryKey: keys.definitions(kind),
    staleTime: Infinity,
    queryFn: async (): Promise<DefinitionRead[]> =>
      kind === 'source'
        ? (await unwrap('source_definitions/list', api.POST('/v1/source_definitions/list'))).sourceDefinitions.map((d) => ({ definitionId: d.sourceDefinitionId, name: d.name, dockerRepository: d.dockerRepository }))
        : (await unwrap('destination_definitions/list', api.POST('/v1/destination_definitions/list'))).destinationDefinitions.map((d) => ({
            definitionId: d.destinationDefinitionId,
            name: d.name,
            dockerRepository: d.dockerRepository,
          })),
  });
}

export interface SpecRead {
  connectionSpecification: Record<string, unknown>;
  documentationUrl?: string;
  supportedDestinationSyncModes?: Schemas['DestinationSyncMode'][];
}

export function useSpec(kind: ActorKind, definitionId: string | undefined) {
  return useQuery({
    queryKey: keys.spec(kind, definitionId ?? ''),
    enabled: Boolean(definitionId),
    staleTime: Infinity,
    queryFn: async (): Promise<SpecRead> => {
      const spec =
        kind === 'source'
          ? await unwrap('source_definition_specifications/get', api.POST('/v1/source_definition_specifications/get', { body: { sourceDefinitionId: definitionId! } }))
          : await unwrap('destination_definition_specifications/get', api.POST('/v1/destination_definition_specifications/get', { body: { destinationDefinitionId: definitionId! } }));
      return {
        connectionSpecification: spec.connectionSpecification ?? { type: 'object', properties: {} },
        documentationUrl: spec.documentationUrl,
        supportedDestinationSyncModes: 'supportedDestinationSyncModes' in spec ? spec.supportedDestinationSyncModes : undefined,
      };
    },
  });
}

/** Sources and destinations through one shape, so their pages are one component. */
export interface ActorRead {
  kind: ActorKind;
  id: string;
  definitionId: string;
  name: string;
  connectorName: string;
  connectionConfiguration: Record<string, unknown>;
}

function fromSource(s: Schemas['SourceRead']): ActorRead {
  return { kind: 'source', id: s.sourceId, definitionId: s.sourceDefinitionId, name: s.name, connectorName: s.sourceName, connectionConfiguration: s.connectionConfiguration };
}

function fromDestination(d: Schemas['DestinationRead']): ActorRead {
  return {
    kind: 'destination',
    id: d.destinationId,
    definitionId: d.destinationDefinitionId,
    name: d.name,
    connectorName: d.destinationName,
    connectionConfiguration: d.connectionConfiguration,
  };
}

export interface ActorInput {
  definitionId: string;
  name: string;
  connectionConfiguration: Record<string, unknown>;
}

/** Runs the connector's check on a configuration (a saved actor's masked secrets resolve server-side). */
export function checkConfiguration(kind: ActorKind, input: ActorInput, actorId?: string): Promise<Schemas['CheckConnectionRead']> {
  const { definitionId, connectionConfiguration } = input;
  return kind === 'source'
    ? unwrap(
        'scheduler/sources/check_connection',
        api.POST('/v1/scheduler/sources/check_connection', { body: { sourceDefinitionId: definitionId, connectionConfiguration, ...(actorId ? { sourceId: actorId } : {}) } }),
      )
    : unwrap(
        'scheduler/destinations/check_connection',
        api.POST('/v1/scheduler/destinations/check_connection', {
          body: { destinationDefinitionId: definitionId, connectionConfiguration, ...(actorId ? { destinationId: actorId } : {}) },
        }),
      );
}

export async function saveActor(kind: ActorKind, input: ActorInput, actorId?: string): Promise<ActorRead> {
  const { definitionId, name, connectionConfiguration } = input;
  if (kind === 'source') {
    return fromSource(
      actorId
        ? await unwrap('sources/update', api.POST('/v1/sources/update', { body: { sourceId: actorId, name, connectionConfiguration } }))
        : await unwrap('sources/create', api.POST('/v1/sources/create', { body: { sourceDefinitionId: definitionId, name, connectionConfiguration } })),
    );
  }
  return fromDestination(
    actorId
      ? await unwrap('destinations/update', api.POST('/v1/destinations/update', { body: { destinationId: actorId, name, connectionConfiguration } }))
      : await unwrap('destinations/create', api.POST('/v1/destinations/create', { body: { destinationDefinitionId: definitionId, name, connectionConfiguration } })),
  );
}

export async function deleteActor(kind: ActorKind, actorId: string): Promise<void> {
  if (kind === 'source') await unwrap('sources/delete', api.POST('/v1/sources/delete', { body: { sourceId: actorId } }));
  else await unwrap('destinations/delete', api.POST('/v1/destinations/delete', { body: { destinationId: actorId } }));
}

export function useUpdateConnection(connectionId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (changes: Omit<Schemas['ConnectionUpdate'], 'connectionId'>) =>
      unwrap('connections/update', api.POST('/v1/connections/update', { body: { connectionId, ...changes } })),
    onSuccess: (connection) => {
      client.setQueryData(keys.connection(connectionId), connection);
      void client.invalidateQueries({ queryKey: keys.connections });
    },
  });
}

/** Sync now / reset / cancel: the job's page and the list refresh at once. */
export function useJobAction(connectionId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (action: { kind: 'sync' } | { kind: 'reset' } | { kind: 'cancel'; jobId: number }) => {
      switch (action.kind) {
        case 'sync':
          return unwrap('connections/sync', api.POST('/v1/connections/sync', { body: { connectionId } }));
        case 'reset':
          return unwrap('connections/reset', api.POST('/v1/connections/reset', { body: { connectionId } }));
        case 'cancel':
          return unwrap('jobs/cancel', api.POST('/v1/jobs/cancel', { body: { id: action.jobId } }));
      }
    },
    onSettled: () => {
      void client.invalidateQueries({ queryKey: keys.jobs(connectionId) });
      void client.invalidateQueries({ queryKey: keys.connections });
    },
  });
}
