// A connector failure tagged with who failed, so the replication can report the right
// failureOrigin whichever stage the error surfaces in.
import { ConnectorError, asConnectorError } from '@platform/connectors';
import type { AirbyteErrorTraceMessage } from '@platform/protocol';
import type { FailureOrigin } from './child-protocol';

export class OriginError extends Error {
  constructor(
    readonly origin: FailureOrigin,
    readonly error: ConnectorError,
  ) {
    super(error.message);
  }
}

/** Tags anything thrown with `origin`, unless it already carries one. */
export function withOrigin(origin: FailureOrigin, err: unknown): OriginError {
  return err instanceof OriginError ? err : new OriginError(origin, asConnectorError(err));
}

/** An ERROR trace message a connector emitted instead of throwing. */
export function traceError(origin: FailureOrigin, trace: AirbyteErrorTraceMessage): OriginError {
  return new OriginError(origin, new ConnectorError(trace.message, trace.failure_type ?? 'system_error', trace.internal_message));
}

/** Runs `fn`, tagging what it throws with `origin`. */
export function guard<T>(origin: FailureOrigin, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    throw withOrigin(origin, err);
  }
}
