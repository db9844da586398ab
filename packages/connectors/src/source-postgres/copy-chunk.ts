// The fast path: `COPY (query) TO STDOUT (FORMAT csv, HEADER)` streamed straight into a temp
// file with back-pressure (copy-to-file.ts), handed on as a CsvFileBatch. No JS object is built per row.
import { rmSync } from 'node:fs';
import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type pg from 'pg';
import type { JsonSchema } from '@platform/protocol';
import type { CsvFileBatch } from '../framework/batches';
import { CopyToFile } from './copy-to-file';

export interface CopiedChunk {
  path: string;
  rowCount: number;
  byteCount: number;
}

/** Spill directories still on disk, removed at exit in case a consumer never released its batches. */
const liveDirectories = new Set<string>();
process.once('exit', () => {
  for (const dir of liveDirectories) rmSync(dir, { recursive: true, force: true });
});

/**
 * Owns the temp directory chunk files live in. Each batch's release() deletes its file; the
 * directory goes once the read is over and every batch handed out has been released.
 */
export class SpillDirectory {
  private nextChunk = 0;
  private unreleased = 0;
  private closed = false;

  private constructor(readonly dir: string) {
    liveDirectories.add(dir);
  }

  static async create(): Promise<SpillDirectory> {
    return new SpillDirectory(await mkdtemp(join(tmpdir(), 'source-postgres-')));
  }

  private async removeDirectory(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true });
    liveDirectories.delete(this.dir);
  }

  async copy(client: pg.Client, query: string, signal?: AbortSignal): Promise<CopiedChunk> {
    const path = join(this.dir, `chunk-${String(this.nextChunk++).padStart(6, '0')}.csv`);
    const file = await open(path, 'w');
    try {
      const copy = client.query(new CopyToFile(`COPY (${query}) TO STDOUT (FORMAT csv, HEADER)`, file, signal));
      const { rowCount, byteCount } = await copy.result;
      await file.close();
      return { path, rowCount, byteCount };
    } catch (err) {
      await file.close().catch(() => {});
      await rm(path, { force: true });
      throw err;
    }
  }

  /** Wraps a copied chunk as a batch; an empty chunk is deleted at once and yields nothing. */
  async toBatch(
    chunk: CopiedChunk,
    stream: { name: string; namespace: string },
    columns: Array<{ name: string; schema: JsonSchema }>,
    postgresTimestamps = false,
  ): Promise<CsvFileBatch | undefined> {
    if (chunk.rowCount === 0) {
      await rm(chunk.path, { force: true });
      return undefined;
    }
    this.unreleased++;
    let released = false;
    return {
      type: 'CSV_FILE_BATCH',
      stream: stream.name,
      namespace: stream.namespace,
      emittedAt: Date.now(),
      path: chunk.path,
      columns,
      rowCount: chunk.rowCount,
      byteCount: chunk.byteCount,
      ...(postgresTimestamps ? { postgresTimestamps: true as const } : {}),
      release: async () => {
        if (released) return;
        released = true;
        this.unreleased--;
        await rm(chunk.path, { force: true });
        if (this.closed && this.unreleased === 0) await this.removeDirectory();
      },
    };
  }

  /** Called when the read ends; a consumer still holding batches keeps the directory alive. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.unreleased === 0) await this.removeDirectory();
  }
}
