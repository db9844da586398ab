// Admission of replication children by memory: the sum of the memory limits of the running
// children stays within the budget, and a job that does not fit waits (unclaimed, so another
// worker may take it) until a running one ends. A child larger than the whole budget still
// runs when nothing else does; it would otherwise wait forever.

export class MemoryBudget {
  private usedBytes = 0;
  private holders = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(readonly totalBytes: number) {}

  /** Resolves true once `bytes` fit, false if `signal` fires first (nothing is then held). */
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
    // Everyone waiting re-checks; those that still do not fit wait again.
    for (const wake of this.waiting.splice(0)) wake();
  }

  private fits(bytes: number): boolean {
    return this.holders === 0 || this.usedBytes + bytes <= this.totalBytes;
  }
}
