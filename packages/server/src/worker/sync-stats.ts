// Per-stream counters of one attempt. "Emitted" counts what the source produced; a record
// is "committed" once the destination acknowledges a STATE that came after it and speaks
// for its stream (a STREAM state for that stream, or a GLOBAL or LEGACY one).
import { streamKey, type AirbyteStateMessage, type StreamDescriptor } from '@platform/protocol';

export interface StreamCounters {
  name: string;
  namespace: string | null;
  recordsEmitted: number;
  bytesEmitted: number;
  recordsCommitted: number;
  bytesCommitted: number;
}

export interface StatsSnapshot {
  streams: StreamCounters[];
  stateMessagesEmitted: number;
}

/** Identity of a STATE across the destination boundary; stats fields may be added on the way back. */
function stateIdentity(state: AirbyteStateMessage): string {
  const { sourceStats: _s, destinationStats: _d, ...rest } = state;
  return JSON.stringify(rest);
}

export class SyncStats {
  private readonly streams = new Map<string, StreamCounters>();
  private stateMessagesEmitted = 0;
  /** STATEs handed to the destination, oldest first, with the streams they speak for and the emitted counts at that point. */
  private readonly inFlight: Array<{ identity: string; covers: string | 'all'; emitted: Map<string, [number, number]> }> = [];

  /** Declares the streams up front so every selected stream appears in the stats, even empty. */
  constructor(streams: StreamDescriptor[]) {
    for (const s of streams) this.counters(s);
  }

  emitted(stream: StreamDescriptor, records: number, bytes: number): void {
    const c = this.counters(stream);
    c.recordsEmitted += records;
    c.bytesEmitted += bytes;
  }

  /**
   * `state` as the destination receives it; `covers` is the stream it speaks for under the
   * names these counters use (by default its own stream, or all for GLOBAL and LEGACY).
   */
  stateSent(state: AirbyteStateMessage, covers: StreamDescriptor | 'all' = state.stream?.stream_descriptor ?? 'all'): void {
    this.stateMessagesEmitted++;
    const emitted = new Map<string, [number, number]>();
    for (const [k, c] of this.streams) emitted.set(k, [c.recordsEmitted, c.bytesEmitted]);
    this.inFlight.push({ identity: stateIdentity(state), covers: covers === 'all' ? 'all' : streamKey(covers), emitted });
  }

  /**
   * Marks what came before this STATE committed for the streams it speaks for; unknown states
   * (rewritten by the destination) change nothing. Earlier STATEs of other streams stay in
   * flight: a destination acknowledges no STATE of a stream that failed.
   */
  stateAcknowledged(state: AirbyteStateMessage): void {
    const identity = stateIdentity(state);
    const index = this.inFlight.findIndex((s) => s.identity === identity);
    if (index < 0) return;
    const acked = this.inFlight[index];
    for (const [k, [records, bytes]] of acked.emitted) {
      if (acked.covers !== 'all' && acked.covers !== k) continue;
      const c = this.streams.get(k)!;
      c.recordsCommitted = records;
      c.bytesCommitted = bytes;
    }
    const settled = (s: (typeof this.inFlight)[number], i: number) => i <= index && (acked.covers === 'all' || s.covers === acked.covers);
    const remaining = this.inFlight.filter((s, i) => !settled(s, i));
    this.inFlight.splice(0, this.inFlight.length, ...remaining);
  }

  /**
   * The destination finished cleanly: everything emitted is committed, except for streams
   * that failed alone, which keep what their last acknowledged STATE committed.
   */
  allCommitted(except: (stream: StreamDescriptor) => boolean = () => false): void {
    this.inFlight.length = 0;
    for (const c of this.streams.values()) {
      if (except(c)) continue;
      c.recordsCommitted = c.recordsEmitted;
      c.bytesCommitted = c.bytesEmitted;
    }
  }

  snapshot(): StatsSnapshot {
    return { streams: [...this.streams.values()].map((c) => ({ ...c })), stateMessagesEmitted: this.stateMessagesEmitted };
  }

  private counters(d: StreamDescriptor): StreamCounters {
    const k = streamKey(d);
    let c = this.streams.get(k);
    if (!c) {
      c = { name: d.name, namespace: d.namespace ?? null, recordsEmitted: 0, bytesEmitted: 0, recordsCommitted: 0, bytesCommitted: 0 };
      this.streams.set(k, c);
    }
    return c;
  }
}
