// CDC state in Airbyte's GLOBAL shape: shared_state holds the WAL position every replicated
// stream has been delivered up to; stream_states holds each stream's own progress (a snapshot
// in progress as a ctid state, a finished one as Airbyte's {stream_name, stream_namespace,
// cursor_field: []}, full refresh streams as in Standard mode). Every state this mode emits is
// GLOBAL: the platform replaces a connection's state whole with each GLOBAL message.
import { streamKey, type AirbyteMessage, type AirbyteStateMessage, type StreamDescriptor } from '@platform/protocol';
import { formatLsn, parseLsn } from './lsn';
import { isCtidState } from './state';

export type CdcSharedState = {
  state_type: 'cdc';
  version: 1;
  /** Every change committed before this WAL position has been delivered. */
  lsn: string;
  replication_slot: string;
  publication: string;
};

interface Entry {
  descriptor: { name: string; namespace: string | null };
  state: Record<string, unknown>;
}

const isCdcSharedState = (s: unknown): s is CdcSharedState =>
  typeof s === 'object' && s !== null && (s as CdcSharedState).state_type === 'cdc' && typeof (s as CdcSharedState).lsn === 'string';

/** A CDC stream whose snapshot is finished: from then on only the WAL feeds it. */
export const snapshotDoneState = (d: StreamDescriptor): Record<string, unknown> => ({ stream_name: d.name, stream_namespace: d.namespace ?? null, cursor_field: [] });

export function isSnapshotDone(state: Record<string, unknown> | undefined): boolean {
  return state !== undefined && !isCtidState(state) && Array.isArray(state.cursor_field);
}

export class CdcGlobalState {
  private readonly streams = new Map<string, Entry>();

  private constructor(
    private lsn: bigint | undefined,
    private readonly slot: string,
    private readonly publication: string,
  ) {}

  /**
   * The prior GLOBAL state, keeping only the streams of this read: a stream left out of the
   * catalog misses changes, so when it comes back it must be snapshotted again.
   */
  static from(prior: AirbyteStateMessage[] | undefined, streams: StreamDescriptor[], slot: string, publication: string): CdcGlobalState {
    const global = prior?.find((s) => s.global)?.global;
    const shared = global?.shared_state;
    const state = new CdcGlobalState(isCdcSharedState(shared) ? parseLsn(shared.lsn) : undefined, slot, publication);
    const wanted = new Set(streams.map(streamKey));
    for (const s of global?.stream_states ?? []) {
      if (s.stream_state && wanted.has(streamKey(s.stream_descriptor))) state.set(s.stream_descriptor, s.stream_state);
    }
    return state;
  }

  get position(): bigint | undefined {
    return this.lsn;
  }

  advanceTo(lsn: bigint): void {
    this.lsn = lsn;
  }

  streamState(d: StreamDescriptor): Record<string, unknown> | undefined {
    return this.streams.get(streamKey(d))?.state;
  }

  set(d: StreamDescriptor, state: Record<string, unknown>): void {
    this.streams.set(streamKey(d), { descriptor: { name: d.name, namespace: d.namespace ?? null }, state });
  }

  message(recordCount?: number): AirbyteMessage {
    const shared: CdcSharedState | null =
      this.lsn === undefined ? null : { state_type: 'cdc', version: 1, lsn: formatLsn(this.lsn), replication_slot: this.slot, publication: this.publication };
    const state: AirbyteStateMessage = {
      type: 'GLOBAL',
      global: { shared_state: shared, stream_states: [...this.streams.values()].map((e) => ({ stream_descriptor: e.descriptor, stream_state: e.state })) },
    };
    if (recordCount !== undefined) state.sourceStats = { recordCount };
    return { type: 'STATE', state };
  }
}
