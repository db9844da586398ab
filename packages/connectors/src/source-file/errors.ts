// Every failure of reading a file becomes a ConnectorError through ONE table (design example 6):
// the first rule matching the raw error decides the failure type and the user-facing message.
// Raw causes come from fs, fetch/undici, the AWS SDK, zlib, TextDecoder and our own parsers.
import type { FailureType } from '@platform/protocol';
import { ConnectorError, systemError } from '../framework/errors';

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

interface ErrorRule {
  matches(err: unknown): boolean;
  failureType: FailureType;
  /** `location` names the file (path, URL or s3:// address) without credentials. */
  message(location: string, err: unknown): string;
}

type ErrorLike = { name?: string; code?: string; cause?: unknown; message?: string };

/** Node and undici put the socket error code on the error itself or on its `cause` (fetch). */
function errorCode(err: unknown): string | undefined {
  const e = err as ErrorLike | undefined;
  return e?.code ?? (e?.cause as ErrorLike | undefined)?.code;
}

const hasCode = (...codes: string[]) => (err: unknown) => codes.includes(errorCode(err) ?? '');
const hasName = (...names: string[]) => (err: unknown) => names.includes((err as ErrorLike | undefined)?.name ?? '');
const httpStatus = (accept: (status: number) => boolean) => (err: unknown) => err instanceof HttpStatusError && accept(err.status);

const ERROR_TABLE: readonly ErrorRule[] = [
  { matches: (e) => e instanceof FileContentError, failureType: 'config_error', message: (at, e) => `Cannot parse ${at}: ${(e as Error).message}` },
  {
    matches: hasCode('ERR_ENCODING_INVALID_ENCODED_DATA'),
    failureType: 'config_error',
    message: (at) => `${at} is not valid UTF-8 text; set "encoding" in reader_options (for example "latin1" or "utf-16")`,
  },
  { matches: hasCode('Z_DATA_ERROR', 'Z_BUF_ERROR'), failureType: 'config_error', message: (at) => `${at} looks gzip-compressed but is not valid gzip data` },
  // Local filesystem.
  { matches: hasCode('ENOENT'), failureType: 'config_error', message: (at) => `File not found: ${at}` },
  { matches: hasCode('EISDIR'), failureType: 'config_error', message: (at) => `${at} is a directory, not a file` },
  { matches: hasCode('EACCES', 'EPERM'), failureType: 'config_error', message: (at) => `Permission denied reading ${at}` },
  // HTTP(S).
  { matches: httpStatus((s) => s === 404 || s === 410), failureType: 'config_error', message: (at, e) => `File not found: ${at} (${(e as Error).message})` },
  { matches: httpStatus((s) => s === 401 || s === 403), failureType: 'config_error', message: (at, e) => `Access denied to ${at} (${(e as Error).message})` },
  {
    matches: httpStatus((s) => s === 408 || s === 429 || s >= 500),
    failureType: 'transient_error',
    message: (at, e) => `The server failed to serve ${at} (${(e as Error).message}); try again later`,
  },
  { matches: httpStatus(() => true), failureType: 'config_error', message: (at, e) => `The server refused to serve ${at} (${(e as Error).message})` },
  // S3 (AWS SDK v3 service exceptions carry the S3 error code as `name`).
  { matches: hasName('NoSuchKey', 'NotFound'), failureType: 'config_error', message: (at) => `File not found: ${at}` },
  { matches: hasName('NoSuchBucket'), failureType: 'config_error', message: (at) => `Bucket not found for ${at}` },
  {
    matches: hasName('InvalidAccessKeyId', 'SignatureDoesNotMatch', 'InvalidClientTokenId', 'InvalidToken', 'ExpiredToken'),
    failureType: 'config_error',
    message: (at, e) => `S3 rejected the credentials for ${at} (${(e as ErrorLike).name}); check aws_access_key_id and aws_secret_access_key`,
  },
  { matches: hasName('AccessDenied', 'Forbidden'), failureType: 'config_error', message: (at) => `Access denied to ${at}; the credentials may lack read permission` },
  // Network.
  { matches: hasCode('ENOTFOUND', 'EAI_AGAIN'), failureType: 'config_error', message: (at) => `Host not found for ${at}` },
  {
    matches: hasCode('ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_SOCKET'),
    failureType: 'transient_error',
    message: (at, e) => `Cannot reach the server holding ${at} (${errorCode(e)})`,
  },
  { matches: hasName('AbortError'), failureType: 'transient_error', message: (at) => `Reading ${at} was cancelled` },
];

/** Maps anything thrown while opening or reading `location` to a ConnectorError. */
export function toConnectorError(err: unknown, location: string): ConnectorError {
  if (err instanceof ConnectorError) return err;
  const internal = err instanceof Error ? `${err.name}: ${err.message}${errorCode(err) ? ` (${errorCode(err)})` : ''}` : String(err);
  const rule = ERROR_TABLE.find((r) => r.matches(err));
  if (!rule) return systemError(`Unexpected error while reading ${location}: ${internal}`, (err as Error)?.stack ?? internal, err);
  return new ConnectorError(rule.message(location, err), rule.failureType, internal, { cause: err });
}
