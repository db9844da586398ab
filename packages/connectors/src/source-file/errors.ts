// source-file's error table (design example 6): every failure of reading a file, from fs,
// fetch/undici, the AWS SDK, zlib, TextDecoder and our own parsers, then the shared network
// rules, worded for the server holding the file.
import { mapError, type ErrorFacts, type ErrorRule, type ErrorTable } from '../framework/error-rules';
import type { ConnectorError } from '../framework/errors';
import { networkRules, type NetworkFailure } from '../framework/network-errors';

/** The file's bytes are not what the configured format says (bad CSV, bad JSON line, binary data). */
export class FileContentError extends Error {
  override readonly name = 'FileContentError';
}

export const contentError = (message: string) => new FileContentError(message);

/** A non-2xx answer from an HTTP(S) server. */
export class HttpStatusError extends Error {
  override readonly name = 'HttpStatusError';
  constructor(readonly status: number, statusText: string) {
    super(`HTTP ${status} ${statusText}`.trim());
  }
}

/** Names the file (path, URL or s3:// address) without credentials. */
type Location = string;

function describeNetworkFailure(at: Location, failure: NetworkFailure, facts: ErrorFacts): string {
  switch (failure.kind) {
    case 'host_not_found':
      return `Host${failure.host ? ` "${failure.host}"` : ''} not found for ${at}; check the host name in url`;
    case 'dns_unavailable':
      return `Could not resolve the host of ${at} (DNS temporarily unavailable)`;
    case 'tls_certificate':
      return `The server holding ${at} presented a TLS certificate that was not accepted (${failure.code}: ${facts.message})`;
    case 'cancelled':
      return `Reading ${at} was cancelled`;
    default:
      return `Cannot reach the server holding ${at} (${failure.code})`;
  }
}

const RULES: readonly ErrorRule<Location>[] = [
  { errorClass: FileContentError, failureType: 'config_error', message: (at, e) => `Cannot parse ${at}: ${e.message}` },
  {
    code: ['ERR_ENCODING_INVALID_ENCODED_DATA'],
    failureType: 'config_error',
    message: (at) => `${at} is not valid UTF-8 text; set "encoding" in reader_options (for example "latin1" or "utf-16")`,
  },
  { code: ['Z_DATA_ERROR', 'Z_BUF_ERROR'], failureType: 'config_error', message: (at) => `${at} looks gzip-compressed but is not valid gzip data` },
  // Local filesystem.
  { code: ['ENOENT'], failureType: 'config_error', message: (at) => `File not found: ${at}` },
  { code: ['EISDIR'], failureType: 'config_error', message: (at) => `${at} is a directory, not a file` },
  { code: ['EACCES', 'EPERM'], failureType: 'config_error', message: (at) => `Permission denied reading ${at}` },
  // S3 (AWS SDK v3 service exceptions carry the S3 error code as `name`).
  { name: ['NoSuchKey', 'NotFound'], failureType: 'config_error', message: (at) => `File not found: ${at}` },
  { name: ['NoSuchBucket'], failureType: 'config_error', message: (at) => `Bucket not found for ${at}` },
  {
    name: ['InvalidAccessKeyId', 'SignatureDoesNotMatch', 'InvalidClientTokenId', 'InvalidToken', 'ExpiredToken'],
    failureType: 'config_error',
    message: (at, e) => `S3 rejected the credentials for ${at} (${e.name}); check aws_access_key_id and aws_secret_access_key`,
  },
  { name: ['AccessDenied', 'Forbidden'], failureType: 'config_error', message: (at) => `Access denied to ${at}; the credentials may lack read permission` },
  // HTTP(S), and S3 errors no rule above names, by their status.
  { status: (s) => s === 404 || s === 410, failureType: 'config_error', message: (at, e) => `File not found: ${at} (${e.message})` },
  { status: (s) => s === 401 || s === 403, failureType: 'config_error', message: (at, e) => `Access denied to ${at} (${e.message})` },
  {
    status: (s) => s === 408 || s === 429 || s >= 500,
    failureType: 'transient_error',
    message: (at, e) => `The server failed to serve ${at} (${e.message}); try again later`,
  },
  { errorClass: HttpStatusError, failureType: 'config_error', message: (at, e) => `The server refused to serve ${at} (${e.message})` },
  ...networkRules(describeNetworkFailure),
];

const TABLE: ErrorTable<Location> = {
  rules: RULES,
  unmatched: (at, e) => `Unexpected error while reading ${at}: ${describeRaw(e)}`,
  // An error no rule expected is logged with its stack.
  internalMessage: (_at, e, matched) => (matched ? describeRaw(e) : ((e.error as Error | undefined)?.stack ?? describeRaw(e))),
};

function describeRaw(e: ErrorFacts): string {
  return e.error instanceof Error ? `${e.name}: ${e.message}${e.code ? ` (${e.code})` : ''}` : e.message;
}

/** Maps anything thrown while opening or reading `location` to a ConnectorError. */
export function toConnectorError(err: unknown, location: string): ConnectorError {
  return mapError(TABLE, err, location);
}
