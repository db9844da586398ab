// Uploads run in the background while the next chunk converts; at most `maxInFlight` at a
// time (each holds a few multipart buffers). A failed upload fails the next add or drain.
import { rm } from 'node:fs/promises';
import type { ObjectStore } from './object-store';

export class UploadQueue {
  private readonly inFlight = new Set<Promise<void>>();
  private failure: unknown;

  constructor(
    private readonly store: ObjectStore,
    private readonly maxInFlight: number,
  ) {}

  /** Starts uploading `localPath` to `key` (deleting the local file after); waits only for a free slot. */
  add(localPath: string, key: string, contentType: string, onUploaded: () => void): Promise<void> {
    return this.run(localPath, () => this.store.uploadFile(key, localPath, contentType), onUploaded);
  }

  /** Starts `send` (which uploads `localPath` its own way), deleting the local file after; waits only for a free slot. */
  async run(localPath: string, send: () => Promise<void>, onUploaded: () => void): Promise<void> {
    this.throwIfFailed();
    while (this.inFlight.size >= this.maxInFlight) await Promise.race(this.inFlight);
    this.throwIfFailed();
    const upload: Promise<void> = send()
      .then(async () => {
        onUploaded();
        await rm(localPath, { force: true });
      })
      .catch((err: unknown) => {
        this.failure ??= err;
      })
      .finally(() => this.inFlight.delete(upload));
    this.inFlight.add(upload);
  }

  /** Resolves once every upload started so far has finished; throws the first failure. */
  async drain(): Promise<void> {
    await this.barrier();
    this.throwIfFailed();
  }

  /** Resolves (never rejects) once every upload started so far has finished or failed. */
  barrier(): Promise<void> {
    return Promise.all(this.inFlight).then(() => undefined);
  }

  get hasFailed(): boolean {
    return this.failure !== undefined;
  }

  throwIfFailed(): void {
    if (this.failure !== undefined) throw this.failure;
  }
}
