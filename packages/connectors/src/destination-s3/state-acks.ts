// STATE messages waiting for the uploads of the records before them. The write loop keeps
// converting while they wait, and acknowledges them in order as soon as their uploads finish.
// Each carries what the write loop noted when the STATE arrived (which files it covers).
import type { AirbyteMessage } from '@platform/protocol';
import type { UploadQueue } from './uploads';

export interface ReadyState<T> {
  message: AirbyteMessage;
  noted: T;
}

interface PendingState<T> extends ReadyState<T> {
  uploaded: Promise<void>;
  done: boolean;
}

export class StateAcks<T> {
  private readonly pending: PendingState<T>[] = [];

  constructor(private readonly uploads: UploadQueue) {}

  /** Holds `message` until every upload started so far has finished. */
  add(message: AirbyteMessage, noted: T): void {
    const entry: PendingState<T> = { message, noted, uploaded: this.uploads.barrier(), done: false };
    void entry.uploaded.then(() => (entry.done = true));
    this.pending.push(entry);
  }

  /** Resolves when the oldest waiting state may be acknowledged; undefined when none waits. */
  whenNextReady(): Promise<void> | undefined {
    return this.pending[0]?.uploaded;
  }

  /** The states, oldest first, whose uploads have finished; throws if an upload failed. */
  takeReady(): ReadyState<T>[] {
    this.uploads.throwIfFailed();
    const ready: ReadyState<T>[] = [];
    while (this.pending[0]?.done) {
      const { message, noted } = this.pending.shift()!;
      ready.push({ message, noted });
    }
    return ready;
  }
}
