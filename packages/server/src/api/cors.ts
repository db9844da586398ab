// Cross-origin access: only the platform's own web UI may call the API from a browser. A
// request from any other origin is refused (403) rather than only left without
// Access-Control-Allow-Origin: that would stop the page from reading the answer, not the
// request from changing anything.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { OriginNotAllowedError } from './http-errors';

const ALLOWED_METHODS = ['GET', 'POST'];
const ALLOWED_HEADERS = ['Content-Type', 'Authorization', 'X-Request-Id'];
const PREFLIGHT_MAX_AGE_SECONDS = 600;

export interface CorsPolicy {
  /** For a request that is not a preflight: throws for a foreign Origin, sets the allow headers otherwise. */
  check(req: IncomingMessage, res: ServerResponse): void;
  /** Answers an OPTIONS request (a browser's preflight or a plain OPTIONS); throws for a foreign origin or method. */
  preflight(req: IncomingMessage, res: ServerResponse): void;
}

/** `http://LocalHost:8000/` → `http://localhost:8000`; throws on something that is not an origin. */
export function normalizeOrigin(origin: string): string {
  const url = new URL(origin);
  if (url.origin === 'null' || (url.pathname !== '/' && url.pathname !== '') || url.search || url.hash) throw new Error(`"${origin}" is not an origin (scheme://host[:port])`);
  return url.origin;
}

export function createCorsPolicy(allowedOrigins: readonly string[]): CorsPolicy {
  const allowed = new Set(allowedOrigins.map(normalizeOrigin));
  const isAllowed = (origin: string) => {
    try {
      return allowed.has(normalizeOrigin(origin));
    } catch {
      return false; // `null` (sandboxed frames, file://) and anything unparseable
    }
  };
  const refuse = (origin: string) =>
    new OriginNotAllowedError(
      `Origin ${JSON.stringify(origin.slice(0, 200))} may not call this API; allowed origins: ${[...allowed].join(', ') || 'none'} ` +
        '(PLATFORM_API_ALLOWED_ORIGINS, api.allowed_origins in config/platform.yaml)',
    );
  const allowOrigin = (res: ServerResponse, origin: string) => {
    res.setHeader('Access-Control-Allow-Origin', origin);
    res.setHeader('Access-Control-Expose-Headers', 'X-Request-Id');
  };
  return {
    check(req, res) {
      res.setHeader('Vary', 'Origin');
      const origin = req.headers.origin;
      if (origin === undefined) return;
      if (!isAllowed(origin)) throw refuse(origin);
      allowOrigin(res, origin);
    },
    preflight(req, res) {
      res.setHeader('Vary', 'Origin');
      const origin = req.headers.origin;
      const requestedMethod = req.headers['access-control-request-method'];
      res.setHeader('Allow', [...ALLOWED_METHODS, 'OPTIONS'].join(', '));
      if (origin !== undefined) {
        if (!isAllowed(origin)) throw refuse(origin);
        if (requestedMethod !== undefined && !ALLOWED_METHODS.includes(requestedMethod)) {
          throw new OriginNotAllowedError(`Method ${JSON.stringify(requestedMethod.slice(0, 20))} is not allowed; use ${ALLOWED_METHODS.join(' or ')}`);
        }
        allowOrigin(res, origin);
        res.setHeader('Access-Control-Allow-Methods', ALLOWED_METHODS.join(', '));
        res.setHeader('Access-Control-Allow-Headers', ALLOWED_HEADERS.join(', '));
        res.setHeader('Access-Control-Max-Age', String(PREFLIGHT_MAX_AGE_SECONDS));
      }
      res.writeHead(204).end();
    },
  };
}
