// One read for many concurrent callers without serving anyone a value older than their call:
// a caller that comes while a read runs waits for the next one, which every such caller
// shares. So N callers at once cost two reads at most, not N (issue 13: connections/list
// checking the connections version for 50 clients at a time).
export class CoalescedRead<T> {
  private running?: Promise<T>;
  private next?: Promise<T>;

  constructor(private readonly read: () => Promise<T>) {}

  /** A value read after this call. */
  get(): Promise<T> {
    if (this.next) return this.next;
    if (!this.running) return this.start();
    const start = () => this.start();
    this.next = this.running.then(start, start);
    return this.next;
  }

  private start(): Promise<T> {
    this.next = undefined;
    const read = this.read();
    this.running = read;
    const done = () => {
      if (this.running === read) this.running = undefined;
    };
    read.then(done, done);
    return read;
  }
}
