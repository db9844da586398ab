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
});
