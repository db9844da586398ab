// Errors the API turns into JSON responses. Services throw these; the HTTP layer maps them
// to a status code and a body. Anything else that escapes a handler is a 500 with a generic
// message (and is logged).

export interface InvalidInputDetail {
  /** Field path in the request, e.g. `syncCatalog.streams[0].config.syncMode`. */
  path: string;
  message: string;
}

export abstract class ApiError extends Error {
  abstract readonly status: number;
  abstract readonly exceptionClassName: string;
  body(): Record<string, unknown> {
    return { message: this.message, exceptionClassName: this.exceptionClassName };
  }
}

/** 404: an id in the request names nothing. Message and class name as Airbyte's. */
export class NotFoundError extends ApiError {
  readonly status = 404;
  readonly exceptionClassName = 'ConfigNotFoundException';
  constructor(
    readonly kind: string,
    readonly id: string | number,
    message = `Could not find ${kind} with id ${id}`,
  ) {
    super(message);
  }
  override body() {
    return { ...super.body(), id: String(this.id) };
  }
}

/** 422: the request is well-formed but not acceptable; `details` names each field. */
export class InvalidInputError extends ApiError {
  readonly status = 422;
  readonly exceptionClassName = 'InvalidInputException';
  constructor(
    message: string,
    readonly details: InvalidInputDetail[],
  ) {
    super(message);
  }
  override body() {
    return { ...super.body(), details: this.details };
  }
}

/** 422 for one field: the message names the field and says what is wrong. */
export function invalidField(path: string, message: string): InvalidInputError {
  return new InvalidInputError(`${path}: ${message}`, [{ path, message }]);
}

/** 400: the body is not parseable JSON (or is not a JSON object). */
export class BadRequestError extends ApiError {
  readonly status = 400;
  readonly exceptionClassName = 'BadRequestException';
}

/** 409: the request conflicts with current state, e.g. a job of the connection already runs. */
export class ConflictError extends ApiError {
  readonly status = 409;
  readonly exceptionClassName = 'ConflictException';
}
