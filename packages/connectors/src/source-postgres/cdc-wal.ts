// Streams the slot's pgoutput messages (pg-logical-replication) in order as an async iterable,
// with back-pressure: the socket pauses while too many messages wait. Values stay in
// Postgres's text form (the library would parse timestamps into JS Dates and lose precision);
// they are rendered by Postgres itself later, exactly as snapshot rows are.
import pg from 'pg';
import { LogicalReplicationService, PgoutputPlugin, type Pgoutput } from 'pg-logical-replication';
import { formatLsn, parseLsn } from './lsn';

export type WalEvent =
  | { kind: 'message'; lsn: bigint; message: Pgoutput.Message }
  /** The server has decoded the WAL up to `walEnd`. */
  | { kind: 'keepalive'; walEnd: bigint };

/** pgoutput with every column value kept as the text Postgres sent. */
class TextPgoutputPlugin extends PgoutputPlugin {
  override parse(buffer: Buffer): Pgoutput.Message {
    const message = super.parse(buffer);
    // Relation messages are parsed before the rows that use them; the parser keeps this object.
    if (message.tag === 'relation') for (const column of message.columns) column.parser = (raw: unknown) => raw;
    return message;
  }
}

const PAUSE_AT = 5_000;
const RESUME_AT = 1_000;

export interface WalStreamOptions {
  settings: pg.ClientConfig;
  slot: string;
  publication: string;
  /** Replication starts here; the slot already confirmed it. */
  from: bigint;
  /** Fails the read when the server sends nothing for this long. */
  idleTimeoutMs: number;
  /**
   * How often a status update goes out whatever the consumer does: the server drops a
   * connection that stays silent for wal_sender_timeout, also while back-pressure pauses reading.
   */
  statusIntervalMs: number;
  signal?: AbortSignal;
}

export class WalIdleError extends Error {}

/**
 * The slot's messages from `from` on, until the consumer stops iterating. Status updates only
 * ever repeat `from`: the slot's confirmed position moves when the next sync confirms what the
 * destination committed, never while reading.
 */
export async function* walEvents(options: WalStreamOptions): AsyncGenerator<WalEvent> {
  const service = new LogicalReplicationService(options.settings, { acknowledge: { auto: false, timeoutSeconds: 0 } });
  const plugin = new TextPgoutputPlugin({ protoVersion: 1, publicationNames: [options.publication] });
  const queue: WalEvent[] = [];
  let failure: unknown;
  let ended = false;
  let wake: (() => void) | undefined;
  let paused = false;
  let statusTimer: NodeJS.Timeout | undefined;
  const notify = () => {
    wake?.();
    wake = undefined;
  };
  // pg-logical-replication pauses its own flow control the same way, through the connection's socket.
  const socket = () => (service as unknown as { _connection?: { stream?: { pause(): void; resume(): void } } })._connection?.stream;
  const push = (event: WalEvent) => {
    queue.push(event);
    if (!paused && queue.length >= PAUSE_AT) {
      paused = true;
      socket()?.pause();
    }
    notify();
  };
  service.on('data', (lsn: string, message: Pgoutput.Message) => push({ kind: 'message', lsn: parseLsn(lsn), message }));
  // The library reports `lsn + 1` as the flushed position; reporting `from - 1` tells the server exactly `from`.
  const sendStatus = () => void service.acknowledge(formatLsn(options.from - 1n)).catch(() => {});
  service.on('heartbeat', (lsn: string, _time: number, reply: boolean) => {
    if (reply) sendStatus();
    push({ kind: 'keepalive', walEnd: parseLsn(lsn) });
  });
  service.on('start', () => {
    statusTimer ??= setInterval(sendStatus, options.statusIntervalMs);
  });
  service.on('error', (err: unknown) => {
    failure ??= err;
    notify();
  });
  const onAbort = () => {
    failure ??= options.signal?.reason ?? new Error('aborted');
    notify();
  };
  options.signal?.addEventListener('abort', onAbort);
  const subscribed = service.subscribe(plugin, options.slot, formatLsn(options.from)).then(
    () => {
      ended = true;
      notify();
    },
    (err: unknown) => {
      failure ??= err;
      notify();
    },
  );
  try {
    for (;;) {
      options.signal?.throwIfAborted();
      const event = queue.shift();
      if (event) {
        if (paused && queue.length <= RESUME_AT) {
          paused = false;
          socket()?.resume();
        }
        yield event;
        continue;
      }
      if (failure) throw failure;
      if (ended) throw new Error('The replication connection closed before the sync reached its end position.');
      const idle = await new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(true), options.idleTimeoutMs);
        wake = () => {
          clearTimeout(timer);
          resolve(false);
        };
      });
      if (idle && queue.length === 0 && !failure) throw new WalIdleError(`No message from the replication slot for ${options.idleTimeoutMs / 1000} s`);
    }
  } finally {
    clearInterval(statusTimer);
    options.signal?.removeEventListener('abort', onAbort);
    await service.destroy().catch(() => {});
    await subscribed;
  }
}
