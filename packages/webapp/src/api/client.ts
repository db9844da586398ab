// The one way the UI reaches the Config API: the client generated from openapi.yaml
// (@platform/api-client), on this page's origin, whose /api/ the web server forwards to the
// API. Every request says it sends JSON (the API refuses other content types).
import { ApiError, createPlatformClient, unwrap, type PlatformClient, type Schemas } from '@platform/api-client/client';

export { ApiError, unwrap, type Schemas };

export function createUiClient(origin: string): PlatformClient {
  const client = createPlatformClient(origin);
  client.use({
    onRequest({ request }) {
      request.headers.set('Content-Type', 'application/json');
      return request;
    },
  });
  return client;
}

export const api: PlatformClient = createUiClient(typeof window === 'undefined' ? 'http://localhost' : window.location.origin);

export interface FieldError {
  path: string;
  message: string;
}

/** The server's message and field details of a failed call (any error otherwise). */
export function describeError(error: unknown): { message: string; details: FieldError[] } {
  if (error instanceof ApiError) {
    const body = error.body as { message?: string; details?: FieldError[] } | string | undefined;
    if (body && typeof body === 'object' && body.message) return { message: body.message, details: body.details ?? [] };
    return { message: `HTTP ${error.status} from ${error.operation}${typeof body === 'string' && body ? `: ${body}` : ''}`, details: [] };
  }
  if (error instanceof TypeError) return { message: `The API did not answer (${error.message}); is the platform running?`, details: [] };
  return { message: error instanceof Error ? error.message : String(error), details: [] };
}
