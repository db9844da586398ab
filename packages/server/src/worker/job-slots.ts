// Admission of jobs into one worker: at most `maxJobs` run at once, and the memory limits of
// their replication children add up to at most the memory budget. A job that does not fit
// is not claimed (it stays free for another worker) until a running one ends. A child larger
// than the whole budget still runs when nothing else does; it would otherwise never run.

export class JobSlots {
  private usedBytes = 0;
  private holders = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(
    readonly maxJobs: number,
    readonly memoryBudgetBytes: number,
  ) {}

  /** Resolves true once a job needing `bytes` fits, false if `signal` fires first (nothing is then held). */
  async acquire(bytes: number, signal: AbortSignal): Promise<boolean> {
    while (!this.fits(bytes)) {
      if (signal.aborted) return false;
      await new Promise<void>((resolve) => {
        const wake = () => {
          signal.removeEventListener('abort', wake);
          resolve();
        };
        this.waiting.push(wake);
        signal.addEventListener('abort', wake, { once: true });
      });
    }
    if (signal.aborted) return false;
    this.usedBytes += bytes;
    this.holders++;
    return true;
  }

  release(bytes: number): void {
    this.usedBytes -= bytes;
    this.holders--;
    // Everyone waiting checks again; who still does not fit waits again.
    for (const wake of this.waiting.splice(0)) wake();
  }

  private fits(bytes: number): boolean {
    if (this.holders >= this.maxJobs) return false;
    return this.holders === 0 || this.usedBytes + bytes <= this.memoryBudgetBytes;
  }
}
