// The worker's wait between claims: it ends at the poll interval, at once when the queue
// announces a job (JobStore.listenForJobs), or on stop. A notification that arrives while the
// worker is claiming is kept, so the next wait returns at once and nothing waits a whole poll.
import { sleep } from '../shared/backoff';

export class QueueWakeup {
  private notified = false;
  private waiting?: AbortController;

  /** A job became claimable. */
  notify(): void {
    this.notified = true;
    this.waiting?.abort();
  }

  /** Forgets earlier notifications: call right before claiming, whose result covers them. */
  clear(): void {
    this.notified = false;
  }

  /** Resolves after `ms`, at a notification (also one since the last clear), or on abort. */
  async wait(ms: number, signal: AbortSignal): Promise<void> {
    if (this.notified) return;
    this.waiting = new AbortController();
    try {
      await sleep(ms, AbortSignal.any([signal, this.waiting.signal]));
    } finally {
      this.waiting = undefined;
    }
  }
}
