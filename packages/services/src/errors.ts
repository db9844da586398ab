/** A binary or package the service needs is not installed; `message` says how to install it. */
export class MissingDependencyError extends Error {
  override name = 'MissingDependencyError';
}

export class PortInUseError extends Error {
  override name = 'PortInUseError';
  constructor(
    readonly port: number,
    readonly host: string,
    readonly what?: string,
  ) {
    super(
      `port ${port}${what ? ` (${what})` : ''} is already in use on ${host} — ` +
        'stop what holds it or choose another port in config/platform.yaml',
    );
  }
}

export class ReadinessTimeoutError extends Error {
  override name = 'ReadinessTimeoutError';
  constructor(
    readonly strategy: string,
    readonly timeoutMs: number,
    readonly lastError?: unknown,
  ) {
    super(`${strategy} was not ready after ${timeoutMs} ms (last error: ${describeError(lastError)})`, {
      cause: lastError,
    });
  }
}

export function describeError(err: unknown): string {
  if (err === undefined) return 'none';
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code; // errno names like ECONNREFUSED; DOMException codes are numbers
    return typeof code === 'string' && !err.message.includes(code) ? `${code}: ${err.message}` : err.message || err.name;
  }
  return String(err);
}
