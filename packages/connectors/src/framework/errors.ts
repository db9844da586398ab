// Every failure a connector raises carries a failure type and two messages (design example 5):
// `message` is safe to show a user, `internalMessage` is for logs and may hold driver detail.
import type { FailureType } from '@platform/protocol';

export class ConnectorError extends Error {
  constructor(
    message: string,
    readonly failureType: FailureType,
    readonly internalMessage?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ConnectorError';
  }
}

export const configError = (message: string, internal?: string, cause?: unknown) => new ConnectorError(message, 'config_error', internal, { cause });
export const transientError = (message: string, internal?: string, cause?: unknown) => new ConnectorError(message, 'transient_error', internal, { cause });
export const systemError = (message: string, internal?: string, cause?: unknown) => new ConnectorError(message, 'system_error', internal, { cause });

/** Wraps anything thrown into a ConnectorError; unknown errors are system errors. */
export function asConnectorError(err: unknown): ConnectorError {
  if (err instanceof ConnectorError) return err;
  const e = err instanceof Error ? err : new Error(String(err));
  return new ConnectorError(e.message, 'system_error', e.stack, { cause: err });
}
