// Check and discover run the connector in-process as "synchronous jobs" (Airbyte's
// SynchronousJobRead): bounded by a timeout, their log lines captured and scrubbed of
// secrets, every failure turned into a result — never an exception for the HTTP layer.
import { randomUUID } from 'node:crypto';
import { asConnectorError, ConnectorError, isRetryable, scrubText, transientError, type ConnectorContext } from '@platform/connectors';
import type { ApiSchemas } from '../schemas/api-schemas';
import { epochSeconds } from '../shared/epoch-seconds';
import type { Logger } from '../shared/logger';

const MAX_LOG_LINES = 1000;

export interface SynchronousJobOptions {
  configType: ApiSchemas['JobConfigType'];
  configId: string;
  failureOrigin: ApiSchemas['FailureOrigin'];
  timeoutMs: number;
  /** Secret values to scrub from messages and log lines. */
  secrets: string[];
  log: Logger;
}

export type SynchronousJobResult<T> =
  | { ok: true; value: T; jobInfo: ApiSchemas['SynchronousJobRead'] }
  | { ok: false; message: string; jobInfo: ApiSchemas['SynchronousJobRead'] };

export async function runSynchronousJob<T>(options: SynchronousJobOptions, run: (ctx: ConnectorContext) => Promise<T>): Promise<SynchronousJobResult<T>> {
  const scrub = (text: string) => scrubText(text, options.secrets);
  const createdAt = Date.now();
  const logLines: string[] = [];
  const abort = new AbortController();
  const ctx: ConnectorContext = {
    signal: abort.signal,
    log(level, message) {
      const line = `${new Date().toISOString()} ${level} ${scrub(message)}`;
      if (logLines.length < MAX_LOG_LINES) logLines.push(line);
      options.log.debug('connector log', { level, message: scrub(message) });
    },
  };
  const jobInfo = (succeeded: boolean): ApiSchemas['SynchronousJobRead'] => ({
    id: randomUUID(),
    configType: options.configType,
    configId: options.configId,
    createdAt: epochSeconds(createdAt),
    endedAt: epochSeconds(Date.now()),
    succeeded,
    connectorConfigurationUpdated: false,
    logs: { logLines },
  });

  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      abort.abort();
      reject(transientError(`The connector did not answer within ${Math.round(options.timeoutMs / 1000)} s; check that the host is reachable (firewall, port) and try again.`));
    }, options.timeoutMs);
  });
  try {
    // Promise.race subscribes to both, so a connector failing after the timeout is not an unhandled rejection.
    const value = await Promise.race([run(ctx), timeout]);
    return { ok: true, value, jobInfo: jobInfo(true) };
  } catch (err) {
    const failure = asConnectorError(err);
    const message = scrub(failure.message);
    // For errors the connector did not classify, internalMessage is a stack: log it, don't return it.
    const internalMessage = err instanceof ConnectorError && failure.internalMessage ? scrub(failure.internalMessage) : undefined;
    options.log.warn('connector job failed', {
      configType: options.configType,
      configId: options.configId,
      failureType: failure.failureType,
      message,
      internalMessage: failure.internalMessage && scrub(failure.internalMessage),
    });
    const info = jobInfo(false);
    info.failureReason = {
      failureOrigin: options.failureOrigin,
      failureType: failure.failureType,
      externalMessage: message,
      ...(internalMessage ? { internalMessage } : {}),
      retryable: isRetryable(failure.failureType),
      timestamp: Date.now(),
    };
    return { ok: false, message, jobInfo: info };
  } finally {
    clearTimeout(timer);
  }
}
