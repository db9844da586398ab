// An attempt's log, buffered and appended to the database in batches (one INSERT per
// flush, not per line). Every line is scrubbed of the attempt's secret values and of row
// contents, and cut to a bounded length, here: the one place all lines pass through,
// whatever part of the worker or child wrote them.
import { scrubText } from '@platform/connectors';
import type { LogLevel } from '@platform/protocol';
import type { Logger } from '../shared/logger';
import type { JobStore } from '../store/job-store';
import { formatLogLine, type LogOrigin } from './child-protocol';
import { safeText, TEXT_LIMITS } from './safe-text';

const FLUSH_INTERVAL_MS = 500;
const FLUSH_LINES = 500;

export class AttemptLog {
  private lines: string[] = [];
  private secrets: string[] = [];
  private flushing: Promise<void> = Promise.resolve();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly jobStore: JobStore,
    private readonly attemptId: number,
    private readonly log: Logger,
  ) {
    this.timer = setInterval(() => void this.flush(), FLUSH_INTERVAL_MS);
  }

  /** Secrets become known once the connection's configs are loaded. */
  addSecrets(secrets: string[]): void {
    this.secrets.push(...secrets);
  }

  write(origin: LogOrigin, level: LogLevel, message: string, at = Date.now()): void {
    // Secrets first, on the whole line: cutting first could leave half a secret behind.
    this.lines.push(safeText(scrubText(formatLogLine(at, level, origin, message), this.secrets), TEXT_LIMITS.logLine));
    if (this.lines.length >= FLUSH_LINES) void this.flush();
  }

  flush(): Promise<void> {
    const batch = this.lines;
    this.lines = [];
    this.flushing = this.flushing.then(() =>
      this.jobStore.appendLogs(this.attemptId, batch).catch((err) => this.log.warn('could not append attempt log lines', { attemptId: this.attemptId, lines: batch.length, error: err })),
    );
    return this.flushing;
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }
}
