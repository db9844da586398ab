// The streams that failed alone during one attempt, under their source names: a source or
// destination ERROR trace that names a stream fails that stream only, and the others go on.
// The first failure of a stream is the one reported.
import { streamKey, type StreamDescriptor } from '@platform/protocol';
import type { OriginError } from './origin-error';

export interface StreamFailure {
  stream: StreamDescriptor;
  failure: OriginError;
}

export class StreamFailures {
  private readonly byStream = new Map<string, StreamFailure>();

  add(stream: StreamDescriptor, failure: OriginError): void {
    const key = streamKey(stream);
    if (!this.byStream.has(key)) this.byStream.set(key, { stream: { name: stream.name, namespace: stream.namespace ?? null }, failure });
  }

  has(stream: StreamDescriptor): boolean {
    return this.byStream.has(streamKey(stream));
  }

  get size(): number {
    return this.byStream.size;
  }

  list(): StreamFailure[] {
    return [...this.byStream.values()];
  }
}
