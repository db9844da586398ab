// Everything one attempt needs, read from the stores at the moment it starts: decrypted
// connector configs, the configured catalog in protocol shape, the last committed state
// and the stream mapping. A sync of a changed connection uses the connection as it is now.
// A retry leaves out the streams an earlier attempt of the job completed (others of it
// having failed alone): it redoes only what is needed.
import { configError, stringValuesAt } from '@platform/connectors';
import { streamKey, type AirbyteStateMessage, type ConfiguredAirbyteStream, type StreamDescriptor } from '@platform/protocol';
import { toConfiguredCatalog } from '../services/catalog';
import type { ResourceRequirements } from '../shared/resource-limits';
import { externalCommandOf } from '../services/custom-connector';
import type { ActorKind, ActorRecord, ConfigStore } from '../store/config-store';
import { stateMessagesFrom, type Job, type JobStore } from '../store/job-store';
import type { ConnectorInvocation, ReplicationInput } from './child-protocol';
import { findConnectorDefinition } from './connectors';
import { mapStream } from './namespace-mapping';

export interface JobContext {
  /** All but the attempt's directory, which the attempt creates once it is about to start the child. */
  input: Omit<ReplicationInput, 'tmpDir'>;
  /** Secret values of both configs, scrubbed from every log line the worker writes. */
  secrets: string[];
  /** Selected streams left out because an earlier attempt of the job completed them. */
  alreadyCompleted: StreamDescriptor[];
  /** The connection's own limits, which win over the worker's for each of its connectors. */
  resourceRequirements: ResourceRequirements | null;
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

const isResumableOverwrite = (s: ConfiguredAirbyteStream) => s.sync_mode === 'full_refresh' && s.destination_sync_mode === 'overwrite';

/** Airbyte's sentinel for a full refresh read to its end: the next read of the stream starts over. */
const isFullRefreshComplete = (streamState: unknown) => (streamState as Record<string, unknown> | null | undefined)?.__ab_full_refresh_sync_complete === true;

/** The state without the streams `drop` names (by descriptor and own stream state). */
function withoutStreams(state: AirbyteStateMessage[] | undefined, drop: (stream: StreamDescriptor, streamState: unknown) => boolean): AirbyteStateMessage[] | undefined {
  if (!state) return state;
  const kept = state.flatMap((m): AirbyteStateMessage[] => {
    if (m.stream) return drop(m.stream.stream_descriptor, m.stream.stream_state) ? [] : [m];
    if (m.global) return [{ ...m, global: { ...m.global, stream_states: m.global.stream_states.filter((s) => !drop(s.stream_descriptor, s.stream_state)) } }];
    return [m];
  });
  return kept.length > 0 ? kept : undefined;
}

/**
 * The state a source resumes from. A Full Refresh | Overwrite replaces the stream with what
 * this job writes, so it resumes only within the job, and only with a destination that keeps
 * what an earlier attempt of the same generation committed (supportsRefreshes): the first
 * attempt of a job forgets those streams' state (they start over), later attempts resume from
 * what the earlier ones committed, unless the read had already completed (it starts over, and
 * the destination then discards that attempt's staged files too). With any other destination
 * those streams always start over, since the overwrite would drop the rows an earlier attempt
 * already wrote.
 */
async function resumeState(job: Job, attemptNumber: number, streams: ConfiguredAirbyteStream[], supportsRefreshes: boolean, jobStore: JobStore): Promise<AirbyteStateMessage[] | undefined> {
  const overwrite = new Set(streams.filter(isResumableOverwrite).map((s) => streamKey(s.stream)));
  if (supportsRefreshes && attemptNumber === 0 && overwrite.size > 0) {
    await jobStore.clearState(job.connectionId, streams.filter(isResumableOverwrite).map((s) => ({ name: s.stream.name, namespace: s.stream.namespace })));
  }
  const state = stateMessagesFrom(await jobStore.getState(job.connectionId));
  return withoutStreams(state, (d, streamState) => overwrite.has(streamKey(d)) && (!supportsRefreshes || isFullRefreshComplete(streamState)));
}

/** How long the worker lets an external connector's read or write run: silent (heartbeat), and in all (timeout). */
export interface ExternalConnectorTimeouts {
  heartbeatMs: number;
  timeoutMs: number;
}

type JobActor = ActorRecord & { connector: string; supportsRefreshes: boolean; external?: ConnectorInvocation['external'] };

async function actor(configStore: ConfigStore, kind: ActorKind, id: string, timeouts: ExternalConnectorTimeouts | undefined): Promise<JobActor> {
  const record = await configStore.getActor(kind, id, { includeDeleted: true });
  if (!record || record.tombstone) throw configError(`The connection's ${kind} ${id} was deleted`);
  const definition = await findConnectorDefinition(record.definitionId);
  if (definition) return { ...record, connector: definition.name, supportsRefreshes: definition.supportsRefreshes === true };
  // A custom definition runs even after it was deleted: its sources and destinations still exist.
  const custom = await configStore.customDefinitions.get(record.definitionId);
  if (!custom || custom.kind !== kind) throw configError(`The ${kind} "${record.name}" uses connector definition ${record.definitionId}, which this platform does not have`);
  // A declarative definition runs as the built-in declarative source with its active manifest in the config.
  if (custom.declarativeManifest) {
    return { ...record, configuration: { ...record.configuration, manifest: JSON.stringify(custom.declarativeManifest) }, connector: 'source-declarative-manifest', supportsRefreshes: false };
  }
  const command = { ...externalCommandOf(custom), ...timeouts };
  return { ...record, connector: command.name, supportsRefreshes: false, external: { command, spec: custom.spec } };
}

const invocation = (a: JobActor): ConnectorInvocation => ({ connector: a.connector, config: a.configuration, ...(a.external ? { external: a.external } : {}) });

export async function loadJobContext(
  job: Job,
  stores: { configStore: ConfigStore; jobStore: JobStore; externalTimeouts?: ExternalConnectorTimeouts },
  attemptNumber = 0,
): Promise<JobContext> {
  const connection = await stores.configStore.getConnection(job.connectionId);
  if (!connection || connection.status === 'deprecated') throw configError(`Connection ${job.connectionId} was deleted`);
  const isReset = job.configType === 'reset_connection';
  const [source, destination] = await Promise.all([
    isReset ? undefined : actor(stores.configStore, 'source', connection.sourceId, stores.externalTimeouts),
    actor(stores.configStore, 'destination', connection.destinationId, stores.externalTimeouts),
  ]);

  const selected = connection.syncCatalog.streams.filter((s) => s.config.selected !== false);
  const resetKeys = job.resetStreams && new Set(job.resetStreams.map(streamKey));
  const inJob = isReset && resetKeys ? selected.filter((s) => resetKeys.has(streamKey(s.stream))) : selected;
  const completedKeys = new Set((await stores.jobStore.completedStreams(job.id)).map(streamKey));
  const entries = inJob.filter((s) => !completedKeys.has(streamKey(s.stream)));
  const configured = toConfiguredCatalog({ streams: entries });
  const catalog = { streams: configured.streams.map((s) => withGeneration(isReset ? asReset(s) : s, job.id)) };
  const streams = entries.map((e) => mapStream({ name: e.stream.name, namespace: e.stream.namespace ?? null }, connection, e.config.aliasName));

  const input: JobContext['input'] = {
    destination: invocation(destination),
    catalog,
    streams,
    connectionId: job.connectionId,
  };
  if (source) {
    input.source = invocation(source);
    input.state = await resumeState(job, attemptNumber, catalog.streams, destination.supportsRefreshes, stores.jobStore);
  }
  return {
    input,
    alreadyCompleted: inJob.filter((s) => completedKeys.has(streamKey(s.stream))).map((s) => ({ name: s.stream.name, namespace: s.stream.namespace ?? null })),
    secrets: [...(source ? stringValuesAt(source.configuration, source.secretPaths) : []), ...stringValuesAt(destination.configuration, destination.secretPaths)],
    resourceRequirements: connection.resourceRequirements,
  };
}
