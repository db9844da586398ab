// Cleanups run last-in first-out, each once, and one failing does not skip the rest:
// the services a scenario started must stop and its temp dir must go even after an error.
export class CleanupStack {
  private readonly cleanups: Array<() => Promise<void> | void> = [];
  private draining: Promise<void> = Promise.resolve();

  push(cleanup: () => Promise<void> | void): void {
    this.cleanups.push(cleanup);
  }

  /** Runs every registered cleanup. A second caller (Ctrl-C during the normal cleanup) waits for the first to finish. */
  runAll(onError: (error: unknown) => void): Promise<void> {
    this.draining = this.draining.then(async () => {
      for (let cleanup = this.cleanups.pop(); cleanup; cleanup = this.cleanups.pop()) {
        try {
          await cleanup();
        } catch (error) {
          onError(error);
        }
      }
    });
    return this.draining;
  }
}
