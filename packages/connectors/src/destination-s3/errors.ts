// destination-s3's error table (design example 6): S3 error codes and HTTP statuses first,
// then the shared network rules, worded for the S3 endpoint; 5xx and throttling are transient.
import { mapError, type ErrorFacts, type ErrorRule, type ErrorTable } from '../framework/error-rules';
import type { ConnectorError } from '../framework/errors';
import { networkRules, type NetworkFailure } from '../framework/network-errors';

export interface ErrorContext {
  bucket: string;
  /** Where the bucket lives, as users configured it, for messages. */
  endpoint: string;
  region: string;
  /** What was being done, e.g. "upload of s3://b/k"; goes to the internal message. */
  operation: string;
}

/** Node network errors carry `code`; SDK service errors carry the S3 error code as `name`. */
const s3Code = (f: ErrorFacts) => f.code ?? (f.name !== 'Error' ? f.name : 'UnknownError');

function describeNetworkFailure(c: ErrorContext, failure: NetworkFailure, facts: ErrorFacts): string {
  switch (failure.kind) {
    case 'host_not_found':
      return `cannot resolve the host${failure.host ? ` "${failure.host}"` : ''} of the S3 endpoint ${c.endpoint} (${failure.code}); check s3_endpoint`;
    case 'tls_certificate':
      return `the S3 endpoint ${c.endpoint} presented a TLS certificate that was not accepted (${failure.code}: ${facts.message})`;
    case 'cancelled':
      return `the S3 ${c.operation} was cancelled`;
    default:
      return `cannot reach the S3 endpoint ${c.endpoint} (${failure.code}); check s3_endpoint and that the server is running`;
  }
}

const RULES: readonly ErrorRule<ErrorContext>[] = [
  {
    // HeadBucket answers a missing bucket with a bare 404, which the SDK names NotFound.
    name: ['NoSuchBucket', 'NotFound'],
    failureType: 'config_error',
    message: (c) => `bucket '${c.bucket}' does not exist at ${c.endpoint}`,
  },
  {
    name: ['InvalidAccessKeyId', 'SignatureDoesNotMatch', 'AccessDenied', 'Forbidden', 'InvalidToken', 'ExpiredToken'],
    status: (s) => s === 401 || s === 403,
    failureType: 'config_error',
    message: (c) => `access denied: check access_key_id / secret_access_key, and that they may read, write, list and delete in bucket '${c.bucket}' at ${c.endpoint}`,
  },
  {
    name: ['PermanentRedirect', 'AuthorizationHeaderMalformed', 'IllegalLocationConstraintException'],
    status: (s) => s === 301,
    failureType: 'config_error',
    message: (c) => `bucket '${c.bucket}' is not in region '${c.region}' at ${c.endpoint}: set s3_bucket_region to the bucket's region`,
  },
  {
    name: ['InvalidBucketName'],
    failureType: 'config_error',
    message: (c) => `'${c.bucket}' is not a valid S3 bucket name`,
  },
  ...networkRules(describeNetworkFailure),
  {
    name: ['SlowDown', 'ServiceUnavailable', 'InternalError', 'ServerError'],
    status: (s) => s >= 500,
    failureType: 'transient_error',
    message: (c, f) => `the S3 endpoint ${c.endpoint} is unavailable (${s3Code(f)}${f.status ? `, HTTP ${f.status}` : ''}); retry later`,
  },
];

const TABLE: ErrorTable<ErrorContext> = {
  rules: RULES,
  unmatched: (c, f) => `S3 ${c.operation} failed: ${s3Code(f)}: ${f.message}`,
  internalMessage: (c, f) => `${c.operation}: ${s3Code(f)}${f.status ? ` (HTTP ${f.status})` : ''}: ${f.message}`,
};

/** Maps an S3 SDK or network error to a ConnectorError through the table above. */
export function toConnectorError(err: unknown, ctx: ErrorContext): ConnectorError {
  return mapError(TABLE, err, ctx);
}
