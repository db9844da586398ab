// STATE messages waiting for the uploads of the records before them. The write loop keeps
// converting while they wait, and acknowledges them in order as soon as their uploads finish.
import type { AirbyteMessage } from '@platform/protocol';
import type { UploadQueue } from './uploads';

interface PendingState {
  message: AirbyteMessage;
  uploaded: Promise<void>;
  done: boolean;
}

export class StateAcks {
  private readonly pending: PendingState[] = [];

  constructor(private readonly uploads: UploadQueue) {}

  /** Holds `message` until every upload started so far has finished. */
  add(message: AirbyteMessage): void {
    const entry: PendingState = { message, uploaded: this.uploads.barrier(), done: false };
    void entry.uploaded.then(() => (entry.done = true));
    this.pending.push(entry);
  }

  /** Resolves when the oldest waiting state may be acknowledged; undefined when none waits. */
  whenNextReady(): Promise<void> | undefined {
    return this.pending[0]?.uploaded;
  }

  /** The states, oldest first, whose uploads have finished; throws if an upload failed. */
  takeReady(): AirbyteMessage[] {
    this.uploads.throwIfFailed();
    const ready: AirbyteMessage[] = [];
    while (this.pending[0]?.done) ready.push(this.pending.shift()!.message);
    return ready;
  }
}
