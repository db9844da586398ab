import { describe, expect, it } from 'vitest';
import { JobSlots } from './job-slots';

const settled = async (p: Promise<unknown>) => (await Promise.race([p.then(() => true), new Promise((r) => setImmediate(() => r(false)))])) as boolean;
const running = () => new AbortController().signal;

describe('JobSlots', () => {
  it('admits jobs whose memory fits and holds the next until enough is released', async () => {
    const slots = new JobSlots(10, 1000);
    expect(await slots.acquire(400, running())).toBe(true);
    expect(await slots.acquire(400, running())).toBe(true);
    const third = slots.acquire(400, running());
    expect(await settled(third)).toBe(false);
    slots.release(400);
    expect(await third).toBe(true);
  });

  it('admits at most maxJobs, however little they need', async () => {
    const slots = new JobSlots(2, Number.POSITIVE_INFINITY);
    expect(await slots.acquire(1, running())).toBe(true);
    expect(await slots.acquire(1, running())).toBe(true);
    const third = slots.acquire(1, running());
    expect(await settled(third)).toBe(false);
    slots.release(1);
    expect(await third).toBe(true);
  });

  it('admits a job larger than the whole budget when nothing else runs', async () => {
    const slots = new JobSlots(10, 1000);
    expect(await slots.acquire(4000, running())).toBe(true);
    const next = slots.acquire(1, running());
    expect(await settled(next)).toBe(false);
    slots.release(4000);
    expect(await next).toBe(true);
  });

  it('gives up waiting, holding nothing, when the worker stops', async () => {
    const slots = new JobSlots(10, 1000);
    const stopping = new AbortController();
    expect(await slots.acquire(800, stopping.signal)).toBe(true);
    const waiting = slots.acquire(800, stopping.signal);
    stopping.abort();
    expect(await waiting).toBe(false);
    slots.release(800);
    expect(await slots.acquire(1000, running())).toBe(true);
  });
});
