// CoalescedRead: concurrent callers share reads, and no caller gets a value read before it called.
import { describe, expect, it } from 'vitest';
import { CoalescedRead } from './coalesced-read';

/** A read of a counter that the test moves on, each read resolving when the test says. */
function controlledReads() {
  let value = 0;
  const pending: Array<() => void> = [];
  const startedAt: number[] = [];
  const read = new CoalescedRead(
    () =>
      new Promise<number>((resolve) => {
        const seen = value; // the read sees the value when it starts, as a database snapshot would
        startedAt.push(seen);
        pending.push(() => resolve(seen));
      }),
  );
  const finishNext = async () => {
    pending.shift()!();
    await new Promise((r) => setImmediate(r));
  };
  return { read, set: (v: number) => (value = v), startedAt, finishNext };
}

describe('CoalescedRead', () => {
  it('starts one read for callers that come while one runs, and never hands a caller a read started before its call', async () => {
    const { read, set, startedAt, finishNext } = controlledReads();
    const first = read.get();
    set(1); // a write committed after the first read started
    const later = Array.from({ length: 10 }, () => read.get());
    expect(startedAt).toEqual([0]);
    await finishNext();
    expect(await first).toBe(0);
    expect(startedAt).toEqual([0, 1]);
    await finishNext();
    expect(await Promise.all(later)).toEqual(Array(10).fill(1));
    expect(startedAt).toHaveLength(2);
  });

  it('rejects the callers of a failed read and reads anew for the next', async () => {
    let fail = true;
    const read = new CoalescedRead(async () => {
      if (fail) throw new Error('database gone');
      return 'ok';
    });
    await expect(read.get()).rejects.toThrow('database gone');
    fail = false;
    expect(await read.get()).toBe('ok');
  });
});
