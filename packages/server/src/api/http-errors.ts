// Errors of the HTTP transport itself (who may call, how a body must be sent), as opposed to
// the domain errors of ../shared/errors.ts that services throw. Same JSON shape: {message, exceptionClassName}.
import { ApiError } from '../shared/errors';

/** An ApiError that also sets response headers (a 401's challenge, a 413's Connection: close). */
export abstract class HttpError extends ApiError {
  readonly headers: Record<string, string> = {};
}

/** 400: the Host header names a host this server does not answer for (DNS rebinding). */
export class HostNotAllowedError extends HttpError {
  readonly status = 400;
  readonly exceptionClassName = 'HostNotAllowedException';
}

/** 401: no valid credentials; `challenge` is the WWW-Authenticate value. */
export class UnauthorizedError extends HttpError {
  readonly status = 401;
  readonly exceptionClassName = 'UnauthorizedException';
  constructor(message: string, challenges: string[]) {
    super(message);
    if (challenges.length) this.headers['WWW-Authenticate'] = challenges.join(', ');
  }
}

/** 403: a browser request from an origin that is not the platform's UI. */
export class OriginNotAllowedError extends HttpError {
  readonly status = 403;
  readonly exceptionClassName = 'OriginNotAllowedException';
}

/** 413: the body exceeds the configured size; the connection is closed rather than drained. */
export class PayloadTooLargeError extends HttpError {
  readonly status = 413;
  readonly exceptionClassName = 'PayloadTooLargeException';
  override readonly headers = { Connection: 'close' };
}

/** 415: a body that is not declared as JSON (the guard against cross-site "simple" requests). */
export class UnsupportedMediaTypeError extends HttpError {
  readonly status = 415;
  readonly exceptionClassName = 'UnsupportedMediaTypeException';
}
