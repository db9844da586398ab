import { describe, expect, it } from 'vitest';
import type { SourceOutput } from '../framework/batches';
import { readAhead } from './read-ahead';

const state = (n: number): SourceOutput => ({ type: 'STATE', state: { type: 'STREAM', stream: { stream_descriptor: { name: 's' }, stream_state: { n } } } });

describe('readAhead', () => {
  it('fetches past STATE messages up to the next chunk, and frees what it fetched when the writer stops early', async () => {
    const pulled: string[] = [];
    const released: string[] = [];
    const chunk = (path: string): SourceOutput => ({ type: 'CSV_FILE_BATCH', stream: 's', emittedAt: 0, path, columns: [], rowCount: 1, byteCount: 1, release: async () => void released.push(path) });
    async function* source(): AsyncGenerator<SourceOutput> {
      for (const [i, item] of [chunk('a'), state(1), chunk('b'), state(2), chunk('c')].entries()) {
        pulled.push(String(i));
        yield item;
      }
    }
    for await (const item of readAhead(source())) {
      expect(item).toMatchObject({ path: 'a' });
      // Give the background pull a turn: it stops once chunk b is waiting.
      await new Promise((resolve) => setTimeout(resolve, 10));
      expect(pulled).toEqual(['0', '1', '2']);
      break;
    }
    expect(released).toEqual(['b']);
  });

  it('hands on everything fetched before a source failure, then the failure', async () => {
    async function* source(): AsyncGenerator<SourceOutput> {
      yield state(1);
      throw new Error('source died');
    }
    const seen: SourceOutput[] = [];
    await expect(
      (async () => {
        for await (const item of readAhead(source())) seen.push(item);
      })(),
    ).rejects.toThrow('source died');
    expect(seen).toEqual([state(1)]);
  });
});
