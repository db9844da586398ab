// Cleanups run last-in first-out, each once, and one failing does not skip the rest:
// the services a scenario started must stop and its temp dir must go even after an error.
export class CleanupStack {
  private readonly cleanups: Array<() => Promise<void> | void> = [];

  push(cleanup: () => Promise<void> | void): void {
    this.cleanups.push(cleanup);
  }

  async runAll(onError: (error: unknown) => void): Promise<void> {
    for (let cleanup = this.cleanups.pop(); cleanup; cleanup = this.cleanups.pop()) {
      try {
        await cleanup();
      } catch (error) {
        onError(error);
      }
    }
  }
}
