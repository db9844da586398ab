// The checkpoint stage: what the destination yields. A STATE it yields has been committed,
// so it is reported at once (under the source's stream names) with the committed counts;
// its LOG messages become log lines and an ERROR trace a destination failure, of the stream
// it names only, or of the whole attempt.
import type { AirbyteMessage, LogLevel } from '@platform/protocol';
import type { ChildReport, LogOrigin } from './child-protocol';
import type { StreamMapper } from './namespace-mapping';
import { traceError } from './origin-error';
import type { StreamFailures } from './stream-failures';
import type { SyncStats } from './sync-stats';

export interface CheckpointDeps {
  mapper: StreamMapper;
  stats: SyncStats;
  report(r: ChildReport): void;
  log(origin: LogOrigin, level: LogLevel, message: string): void;
  streamFailures: StreamFailures;
}

export function checkpoint(message: AirbyteMessage, { mapper, stats, report, log, streamFailures }: CheckpointDeps): void {
  if (message.type === 'STATE') {
    stats.stateAcknowledged(message.state);
    report({ type: 'state', state: mapper.stateToSource(message.state), stats: stats.snapshot() });
  } else if (message.type === 'LOG') {
    log('destination', message.log.level, message.log.message);
  } else if (message.type === 'TRACE' && message.trace.type === 'ERROR' && message.trace.error) {
    const { error } = message.trace;
    if (!error.stream_descriptor) throw traceError('destination', error);
    streamFailures.add(mapper.toSource(error.stream_descriptor), traceError('destination', error));
  }
}
