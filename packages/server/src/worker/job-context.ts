// Everything one attempt needs, read from the stores at the moment it starts: decrypted
// connector configs, the configured catalog in protocol shape, the last committed state
// and the stream mapping. A sync of a changed connection uses the connection as it is now.
// A retry leaves out the streams an earlier attempt of the job completed (others of it
// having failed alone): it redoes only what is needed.
import { configError } from '@platform/connectors';
import { streamKey, type AirbyteStateMessage, type ConfiguredAirbyteStream, type StreamDescriptor } from '@platform/protocol';
import { toConfiguredCatalog } from '../config/catalog';
import type { ActorKind, ActorRecord, ConfigStore } from '../store/config-store';
import { stateMessagesFrom, type Job, type JobStore } from '../store/job-store';
import type { ReplicationInput } from './child-protocol';
import { findConnectorDefinition } from './connectors';
import { mapStream } from './namespace-mapping';

export interface JobContext {
  input: ReplicationInput;
  /** Secret values of both configs, scrubbed from every log line the worker writes. */
  secrets: string[];
  /** Selected streams left out because an earlier attempt of the job completed them. */
  alreadyCompleted: StreamDescriptor[];
}

/** A reset overwrites the chosen streams with nothing: full refresh into overwrite. */
function asReset(stream: ConfiguredAirbyteStream): ConfiguredAirbyteStream {
  return { ...stream, sync_mode: 'full_refresh', destination_sync_mode: 'overwrite' };
}

/**
 * The protocol's sync and generation ids, all the job id: every attempt of a job writes one
 * generation, so an overwrite may drop older generations but must keep what an earlier
 * attempt of the same job committed before a resumed read continues it.
 */
function withGeneration(stream: ConfiguredAirbyteStream, jobId: number): ConfiguredAirbyteStream {
  return { ...stream, sync_id: jobId, generation_id: jobId, minimum_generation_id: stream.destination_sync_mode === 'overwrite' ? jobId : 0 };
}

/**
 * The state a source resumes from, minus Full Refresh | Overwrite streams. An overwrite
 * replaces the stream with what THIS attempt writes, so a full refresh resumed half-way
 * would drop the rows an earlier attempt (or job) already wrote: those streams start over.
 * (Resuming them needs destinations that keep the rows of the same sync_id/generation.)
 */
function withoutOverwriteStreams(state: AirbyteStateMessage[] | undefined, streams: ConfiguredAirbyteStream[]): AirbyteStateMessage[] | undefined {
  const restart = new Set(streams.filter((s) => s.sync_mode === 'full_refresh' && s.destination_sync_mode === 'overwrite').map((s) => streamKey(s.stream)));
  if (!state || restart.size === 0) return state;
  const kept = state.flatMap((m): AirbyteStateMessage[] => {
    if (m.stream) return restart.has(streamKey(m.stream.stream_descriptor)) ? [] : [m];
    if (m.global) return [{ ...m, global: { ...m.global, stream_states: m.global.stream_states.filter((s) => !restart.has(streamKey(s.stream_descriptor))) } }];
    return [m];
  });
  return kept.length > 0 ? kept : undefined;
}

function valuesAt(config: Record<string, unknown>, paths: string[]): string[] {
  return paths.flatMap((path) => {
    const value = path.split('.').reduce<unknown>((node, key) => (node && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined), config);
    return typeof value === 'string' && value !== '' ? [value] : [];
  });
}

async function actor(configStore: ConfigStore, kind: ActorKind, id: string): Promise<ActorRecord & { connector: string }> {
  const record = await configStore.getActor(kind, id, { includeDeleted: true });
  if (!record || record.tombstone) throw configError(`The connection's ${kind} ${id} was deleted`);
  const definition = await findConnectorDefinition(record.definitionId);
  if (!definition) throw configError(`The ${kind} "${record.name}" uses connector definition ${record.definitionId}, which this platform does not have`);
  return { ...record, connector: definition.name };
}

export async function loadJobContext(job: Job, stores: { configStore: ConfigStore; jobStore: JobStore }): Promise<JobContext> {
  const connection = await stores.configStore.getConnection(job.connectionId);
  if (!connection || connection.status === 'deprecated') throw configError(`Connection ${job.connectionId} was deleted`);
  const isReset = job.configType === 'reset_connection';
  const [source, destination] = await Promise.all([
    isReset ? undefined : actor(stores.configStore, 'source', connection.sourceId),
    actor(stores.configStore, 'destination', connection.destinationId),
  ]);

  const selected = connection.syncCatalog.streams.filter((s) => s.config.selected !== false);
  const resetKeys = job.resetStreams && new Set(job.resetStreams.map(streamKey));
  const inJob = isReset && resetKeys ? selected.filter((s) => resetKeys.has(streamKey(s.stream))) : selected;
  const completedKeys = new Set((await stores.jobStore.completedStreams(job.id)).map(streamKey));
  const entries = inJob.filter((s) => !completedKeys.has(streamKey(s.stream)));
  const configured = toConfiguredCatalog({ streams: entries });
  const catalog = { streams: configured.streams.map((s) => withGeneration(isReset ? asReset(s) : s, job.id)) };
  const streams = entries.map((e) => mapStream({ name: e.stream.name, namespace: e.stream.namespace ?? null }, connection, e.config.aliasName));

  const input: ReplicationInput = {
    destination: { connector: destination.connector, config: destination.configuration },
    catalog,
    streams,
  };
  if (source) {
    input.source = { connector: source.connector, config: source.configuration };
    input.state = withoutOverwriteStreams(stateMessagesFrom(await stores.jobStore.getState(job.connectionId)), catalog.streams);
  }
  return {
    input,
    alreadyCompleted: inJob.filter((s) => completedKeys.has(streamKey(s.stream))).map((s) => ({ name: s.stream.name, namespace: s.stream.namespace ?? null })),
    secrets: [...(source ? valuesAt(source.configuration, source.secretPaths) : []), ...valuesAt(destination.configuration, destination.secretPaths)],
  };
}
