// Keeps the source one data chunk ahead of the writer: while a chunk is converted and uploaded,
// the source already produces the next one (its COPY runs meanwhile), looking past the STATE
// messages in between. Bounded: at most one batch, or `maxItems` messages, wait in memory.
import type { SourceOutput } from '../framework/batches';

const isBatch = (item: SourceOutput) => item.type === 'CSV_FILE_BATCH' || item.type === 'RECORD_BATCH';

/**
 * `pullAs` runs each `next()` of the input (default: as it is); destination-s3 passes
 * pullReadingPostgresTimestamps when its format reads PostgreSQL's timestamp text.
 */
export async function* readAhead(input: AsyncIterable<SourceOutput>, maxItems = 100, pullAs: <T>(pull: () => T) => T = (pull) => pull()): AsyncGenerator<SourceOutput> {
  const iterator = input[Symbol.asyncIterator]();
  const queued: SourceOutput[] = [];
  let ended = false;
  let failure: { error: unknown } | undefined;
  let pump: Promise<void> | undefined;

  const pull = async () => {
    try {
      while (!ended && queued.length < maxItems && !queued.some(isBatch)) {
        const next = await pullAs(() => iterator.next());
        if (next.done) ended = true;
        else queued.push(next.value);
      }
    } catch (error) {
      // Surfaced once the items fetched before it have been written.
      failure = { error };
      ended = true;
    }
  };
  const startPump = () => (pump ??= pull().finally(() => (pump = undefined)));

  try {
    for (;;) {
      while (queued.length === 0) {
        if (ended) {
          if (failure) throw failure.error;
          return;
        }
        await startPump();
      }
      const item = queued.shift()!;
      void startPump();
      yield item;
    }
  } finally {
    // The writer stopped early: what was fetched ahead will never be written, so free it.
    await pump;
    for (const item of queued.splice(0)) if (item.type === 'CSV_FILE_BATCH') await item.release();
    if (!ended) await iterator.return?.();
  }
}
