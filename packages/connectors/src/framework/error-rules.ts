// The one shape of every connector's error table (design example 6, after airbyte-python-cdk's
// default_error_mapping): a rule matches an error by code, HTTP status, error class or message
// pattern and gives {failureType, message}. A table is a list, the first matching rule wins;
// a connector puts its own rules first and extends them with the shared network rules
// (./network-errors.ts), so network failures are classified alike by every connector.
import type { FailureType } from '@platform/protocol';
import { ConnectorError } from './errors';

/** What rules look at, read once from whatever was thrown (drivers nest their causes differently). */
export interface ErrorFacts {
  /** errno code, SQLSTATE or driver code: the error's own, else its `cause`'s (fetch), else its first inner error's (AggregateError). */
  code?: string;
  /** The error's class name; AWS SDK service exceptions carry the S3 error code here. */
  name: string;
  /** HTTP status, when the error carries one (`status`, or the AWS SDK's `$metadata.httpStatusCode`). */
  status?: number;
  /** The host a DNS lookup failed for (Node sets `hostname` on getaddrinfo errors). */
  hostname?: string;
  message: string;
  error: unknown;
}

export interface ErrorMatch {
  /** Codes, or a pattern for a family of codes (a SQLSTATE class, TLS certificate codes). */
  code?: readonly string[] | RegExp;
  name?: readonly string[];
  status?: (status: number) => boolean;
  errorClass?: abstract new (...args: never[]) => Error;
  /** For drivers that report some failures by message only. */
  messagePattern?: RegExp;
}

/** Matches when any of its criteria matches. */
export interface ErrorRule<C> extends ErrorMatch {
  failureType: FailureType;
  /** The message a user sees; `ctx` is what the connector knows (host, bucket, file, stream). */
  message(ctx: C, facts: ErrorFacts): string;
}

export interface ErrorTable<C> {
  rules: readonly ErrorRule<C>[];
  /** The message of a system_error for an error no rule matches. */
  unmatched(ctx: C, facts: ErrorFacts): string;
  /** The internal message (logs): driver detail, never shown to users. `matched`: a rule knew the error. */
  internalMessage(ctx: C, facts: ErrorFacts, matched: boolean): string;
  /** Applied to the error's text before any rule sees it, e.g. to remove row values a driver quotes. */
  redact?(text: string): string;
}

type Raw = {
  code?: unknown;
  name?: unknown;
  message?: unknown;
  status?: unknown;
  hostname?: unknown;
  cause?: Raw;
  errors?: Raw[];
  $metadata?: { httpStatusCode?: unknown };
};

const asRaw = (value: unknown): Raw | undefined => (value !== null && typeof value === 'object' ? (value as Raw) : undefined);
const text = (value: unknown) => (typeof value === 'string' ? value : undefined);

export function errorFacts(error: unknown): ErrorFacts {
  const raw = asRaw(error);
  const cause = asRaw(raw?.cause);
  const inner = Array.isArray(raw?.errors) ? asRaw(raw.errors[0]) : undefined;
  const status = raw?.$metadata?.httpStatusCode ?? raw?.status;
  return {
    code: text(raw?.code) ?? text(cause?.code) ?? text(inner?.code),
    name: text(raw?.name) ?? 'Error',
    status: typeof status === 'number' ? status : undefined,
    hostname: text(raw?.hostname) ?? text(cause?.hostname) ?? text(inner?.hostname),
    message: raw ? (text(raw.message) ?? String(error)) : String(error),
    error,
  };
}

export function matchesError(match: ErrorMatch, facts: ErrorFacts): boolean {
  const { code } = facts;
  if (match.code && code !== undefined && (match.code instanceof RegExp ? match.code.test(code) : match.code.includes(code))) return true;
  if (match.name?.includes(facts.name)) return true;
  if (match.status && facts.status !== undefined && match.status(facts.status)) return true;
  if (match.errorClass && facts.error instanceof match.errorClass) return true;
  return match.messagePattern?.test(facts.message) ?? false;
}

/** Maps anything thrown to a ConnectorError through `table`; ConnectorErrors pass through. */
export function mapError<C>(table: ErrorTable<C>, error: unknown, ctx: C): ConnectorError {
  if (error instanceof ConnectorError) return error;
  const facts = errorFacts(error);
  if (table.redact) facts.message = table.redact(facts.message);
  const rule = table.rules.find((r) => matchesError(r, facts));
  const message = rule ? rule.message(ctx, facts) : table.unmatched(ctx, facts);
  return new ConnectorError(message, rule?.failureType ?? 'system_error', table.internalMessage(ctx, facts, rule !== undefined), { cause: error });
}
