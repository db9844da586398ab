import { describe, expect, it } from 'vitest';
import { MemoryBudget } from './memory-budget';

const settled = async (p: Promise<unknown>) => (await Promise.race([p.then(() => true), new Promise((r) => setImmediate(() => r(false)))])) as boolean;

describe('MemoryBudget', () => {
  it('admits what fits and holds the rest until enough is released', async () => {
    const budget = new MemoryBudget(1000);
    const signal = new AbortController().signal;
    expect(await budget.acquire(400, signal)).toBe(true);
    expect(await budget.acquire(400, signal)).toBe(true);
    const third = budget.acquire(400, signal);
    expect(await settled(third)).toBe(false);
    budget.release(400);
    expect(await third).toBe(true);
  });

  it('admits a child larger than the whole budget when nothing else runs', async () => {
    const budget = new MemoryBudget(1000);
    const signal = new AbortController().signal;
    expect(await budget.acquire(4000, signal)).toBe(true);
    const next = budget.acquire(1, signal);
    expect(await settled(next)).toBe(false);
    budget.release(4000);
    expect(await next).toBe(true);
  });

  it('gives up waiting, holding nothing, when the worker stops', async () => {
    const budget = new MemoryBudget(1000);
    const stopping = new AbortController();
    expect(await budget.acquire(800, stopping.signal)).toBe(true);
    const waiting = budget.acquire(800, stopping.signal);
    stopping.abort();
    expect(await waiting).toBe(false);
    budget.release(800);
    expect(await budget.acquire(1000, new AbortController().signal)).toBe(true);
  });
});
