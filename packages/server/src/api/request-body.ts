// From the bytes of a request to the validated body a handler gets: JSON only (415 for
// anything else), a size limit (413), UTF-8 (400), JSON syntax (400), the structural guards
// of json-guards.ts (422) and then the operation's schema (422). Each refusal names the field
// or the fix.
import type { IncomingMessage } from 'node:http';
import { schemaErrorsToDetails } from '@platform/json-schema';
import { BadRequestError, InvalidInputError } from '../shared/errors';
import { PayloadTooLargeError, UnsupportedMediaTypeError } from './http-errors';
import { findJsonProblems } from './json-guards';
import type { Operation } from './openapi';

export const DEFAULT_MAX_BODY_BYTES = 10 * 1024 * 1024;

export interface BodyLimits {
  maxBytes: number;
  maxDepth: number;
}

/** A body is present when it has a length above 0 or chunked framing. */
function hasBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  return length !== undefined ? Number(length) > 0 : req.headers['transfer-encoding'] !== undefined;
}

/**
 * Browsers send text/plain, form and multipart bodies to any site without a preflight;
 * accepting only application/json (UTF-8) is what keeps web pages from driving the API.
 */
export function assertJsonContentType(req: IncomingMessage): void {
  if (!hasBody(req)) return;
  const header = req.headers['content-type'];
  const [mediaType, ...parameters] = (header ?? '').split(';').map((part) => part.trim().toLowerCase());
  const charset = parameters.find((p) => p.startsWith('charset='))?.slice('charset='.length).replace(/^"(.*)"$/, '$1');
  if (mediaType === 'application/json' && (charset === undefined || charset === 'utf-8' || charset === 'utf8')) return;
  const fix = 'send the body as JSON with "Content-Type: application/json"';
  throw new UnsupportedMediaTypeError(!header?.trim() ? `The request body has no Content-Type: ${fix}` : `Content-Type ${JSON.stringify(header.slice(0, 100))} is not supported: ${fix}`);
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** The body as UTF-8 text, at most `maxBytes` (413 above, 400 for bytes that are not UTF-8). */
export function readBody(req: IncomingMessage, maxBytes: number): Promise<string> {
  const tooLarge = () => new PayloadTooLargeError(`Request body exceeds ${maxBytes} bytes (PLATFORM_API_MAX_BODY_BYTES)`);
  // A declared length over the limit is refused before a byte of it is read.
  if (Number(req.headers['content-length']) > maxBytes) return Promise.reject(tooLarge());
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBytes) chunks.push(chunk);
    });
    req.on('end', () => {
      if (size > maxBytes) return reject(tooLarge());
      try {
        resolve(utf8.decode(Buffer.concat(chunks)));
      } catch {
        // Decoding leniently would store U+FFFD in place of the sent bytes: a silent change.
        reject(new BadRequestError('The request body is not valid UTF-8'));
      }
    });
    req.on('error', reject);
  });
}

/** The validated body of an RPC call; `{}` for an optional body that was not sent. */
export async function readRequestBody(req: IncomingMessage, operation: Operation, limits: BodyLimits): Promise<unknown> {
  const validate = operation.bodyValidator();
  assertJsonContentType(req);
  const text = await readBody(req, limits.maxBytes);
  if (!validate) return {};
  if (text.trim() === '') {
    if (operation.bodyRequired) throw new InvalidInputError('Request body is required', [{ path: '(body)', message: 'is required: send a JSON object' }]);
    return {};
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (err) {
    throw new BadRequestError(`Malformed JSON in request body: ${(err as Error).message}`);
  }
  const problems = findJsonProblems(body, limits.maxDepth);
  if (problems.length) throw new InvalidInputError('Invalid request body', problems);
  if (!validate(body)) throw new InvalidInputError('Invalid request body', schemaErrorsToDetails(validate.errors));
  return body;
}
