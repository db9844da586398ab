// Every failure a connector raises carries a failure type and two messages (design example 5):
// `message` is safe to show a user, `internalMessage` is for logs and may hold driver detail.
import type { FailureType, StreamDescriptor } from '@platform/protocol';

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

/**
 * Thrown by a source at the end of a read in which some streams failed alone (Airbyte's CDK
 * raises the same after the last stream): each failure was already reported by an ERROR
 * trace naming its stream, and the other streams were read to the end.
 */
export class StreamsFailedError extends ConnectorError {
  constructor(readonly failures: Array<{ stream: StreamDescriptor; error: ConnectorError }>) {
    const types = new Set(failures.map((f) => f.error.failureType));
    const name = (d: StreamDescriptor) => (d.namespace ? `${d.namespace}.${d.name}` : d.name);
    super(
      failures.length === 1 ? failures[0].error.message : `${failures.length} streams did not sync successfully: ${failures.map((f) => `${name(f.stream)} (${f.error.message})`).join('; ')}`,
      types.size === 1 ? [...types][0] : 'system_error',
    );
    this.name = 'StreamsFailedError';
  }
}
