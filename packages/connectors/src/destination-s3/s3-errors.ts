// Every S3 failure goes through this one table (design example 6): error code or HTTP status
// → failure type and the message a user sees. Network trouble and 5xx are transient.
import type { FailureType } from '@platform/protocol';
import { ConnectorError } from '../framework/errors';

export interface S3ErrorContext {
  bucket: string;
  /** Where the bucket lives, as users configured it, for messages. */
  endpoint: string;
  region: string;
  /** What was being done, e.g. "upload of s3://b/k"; goes to the internal message. */
  operation: string;
}

interface ErrorFacts {
  code: string;
  status?: number;
  detail: string;
}

interface Rule {
  codes: readonly string[];
  status?: (status: number) => boolean;
  failureType: FailureType;
  message: (ctx: S3ErrorContext, facts: ErrorFacts) => string;
}

const NETWORK_CODES = ['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE', 'TimeoutError', 'RequestTimeout'];

const RULES: readonly Rule[] = [
  {
    // HeadBucket answers a missing bucket with a bare 404, which the SDK names NotFound.
    codes: ['NoSuchBucket', 'NotFound'],
    failureType: 'config_error',
    message: (c) => `bucket '${c.bucket}' does not exist at ${c.endpoint}`,
  },
  {
    codes: ['InvalidAccessKeyId', 'SignatureDoesNotMatch', 'AccessDenied', 'Forbidden', 'InvalidToken', 'ExpiredToken'],
    status: (s) => s === 401 || s === 403,
    failureType: 'config_error',
    message: (c) => `access denied: check access_key_id / secret_access_key, and that they may read, write, list and delete in bucket '${c.bucket}' at ${c.endpoint}`,
  },
  {
    codes: ['PermanentRedirect', 'AuthorizationHeaderMalformed', 'IllegalLocationConstraintException'],
    status: (s) => s === 301,
    failureType: 'config_error',
    message: (c) => `bucket '${c.bucket}' is not in region '${c.region}' at ${c.endpoint}: set s3_bucket_region to the bucket's region`,
  },
  {
    codes: ['InvalidBucketName'],
    failureType: 'config_error',
    message: (c) => `'${c.bucket}' is not a valid S3 bucket name`,
  },
  {
    codes: NETWORK_CODES,
    failureType: 'transient_error',
    message: (c, f) => `cannot reach the S3 endpoint ${c.endpoint} (${f.code}); check s3_endpoint and that the server is running`,
  },
  {
    codes: ['SlowDown', 'ServiceUnavailable', 'InternalError', 'ServerError'],
    status: (s) => s >= 500,
    failureType: 'transient_error',
    message: (c, f) => `the S3 endpoint ${c.endpoint} is unavailable (${f.code}${f.status ? `, HTTP ${f.status}` : ''}); retry later`,
  },
];

function factsOf(err: unknown): ErrorFacts {
  const e = (err ?? {}) as { name?: string; code?: string; Code?: string; message?: string; $metadata?: { httpStatusCode?: number }; cause?: { code?: string } };
  // Node network errors carry `code`; SDK service errors carry the S3 code as `name`.
  const code = e.code ?? e.cause?.code ?? e.Code ?? (e.name && e.name !== 'Error' ? e.name : 'UnknownError');
  return { code, status: e.$metadata?.httpStatusCode, detail: e.message ?? String(err) };
}

/** Maps an S3 SDK or network error to a ConnectorError through the table above. */
export function s3Error(err: unknown, ctx: S3ErrorContext): ConnectorError {
  if (err instanceof ConnectorError) return err;
  const facts = factsOf(err);
  const rule = RULES.find((r) => r.codes.includes(facts.code) || (facts.status !== undefined && r.status?.(facts.status)));
  const internal = `${ctx.operation}: ${facts.code}${facts.status ? ` (HTTP ${facts.status})` : ''}: ${facts.detail}`;
  if (!rule) return new ConnectorError(`S3 ${ctx.operation} failed: ${facts.code}: ${facts.detail}`, 'system_error', internal, { cause: err });
  return new ConnectorError(rule.message(ctx, facts), rule.failureType, internal, { cause: err });
}
