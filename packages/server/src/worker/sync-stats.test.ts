import { describe, expect, it } from 'vitest';
import { SyncStats } from './sync-stats';

describe('SyncStats', () => {
  const a = { name: 'a', namespace: 'public' };
  const state = (cursor: number) => ({ type: 'STREAM' as const, stream: { stream_descriptor: a, stream_state: { cursor } } });

  it('counts as committed only what came before an acknowledged STATE', () => {
    const stats = new SyncStats([a, { name: 'empty', namespace: null }]);
    stats.emitted(a, 10, 100);
    stats.stateSent(state(10));
    stats.emitted(a, 5, 50);
    stats.stateSent(state(15));
    stats.emitted(a, 1, 10);
    // Destinations may add their own stats to the STATE they give back.
    stats.stateAcknowledged({ ...state(10), destinationStats: { recordCount: 10 } });
    expect(stats.snapshot().streams[0]).toMatchObject({ recordsEmitted: 16, recordsCommitted: 10, bytesCommitted: 100 });
    stats.stateAcknowledged(state(15));
    expect(stats.snapshot().streams[0]).toMatchObject({ recordsCommitted: 15, bytesCommitted: 150 });
    stats.allCommitted();
    expect(stats.snapshot()).toMatchObject({ stateMessagesEmitted: 2, streams: [{ recordsCommitted: 16 }, { name: 'empty', recordsEmitted: 0 }] });
  });

  it("commits a stream's records only with a STATE that speaks for it", () => {
    const b = { name: 'b', namespace: 'public' };
    const stats = new SyncStats([a, b]);
    stats.emitted(a, 10, 100);
    stats.stateSent(state(10));
    stats.emitted(b, 7, 70);
    const stateOfB = { type: 'STREAM' as const, stream: { stream_descriptor: b, stream_state: { cursor: 7 } } };
    stats.stateSent(stateOfB);
    // a failed: the destination never acknowledges its STATE, only b's.
    stats.stateAcknowledged(stateOfB);
    expect(stats.snapshot().streams.map((s) => [s.name, s.recordsCommitted])).toEqual([
      ['a', 0],
      ['b', 7],
    ]);
    stats.emitted(a, 1, 10);
    const global = { type: 'GLOBAL' as const, global: { shared_state: {}, stream_states: [] } };
    stats.stateSent(global);
    stats.stateAcknowledged(global);
    expect(stats.snapshot().streams.map((s) => [s.name, s.recordsCommitted])).toEqual([
      ['a', 11],
      ['b', 7],
    ]);
    // The destination finished, a having failed: only the others' records all count as committed.
    stats.emitted(a, 2, 20);
    stats.emitted(b, 3, 30);
    stats.allCommitted((s) => s.name === 'a');
    expect(stats.snapshot().streams.map((s) => [s.name, s.recordsEmitted, s.recordsCommitted])).toEqual([
      ['a', 13, 11],
      ['b', 10, 10],
    ]);
  });
});
