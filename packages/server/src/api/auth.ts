// Who may call the API. Authentication is a list of authenticators, each for one
// Authorization scheme; a request passes when one accepts it. Today there is HTTP basic
// auth (Airbyte OSS's BASIC_AUTH_USERNAME / BASIC_AUTH_PASSWORD); the public API's bearer
// token will be another authenticator in the same list.
import { createHash, timingSafeEqual } from 'node:crypto';
import { UnauthorizedError } from './http-errors';

export interface Authenticator {
  /** The WWW-Authenticate challenge a 401 carries, e.g. `Basic realm="Airlock"`. */
  readonly challenge: string;
  /** True when the Authorization header carries this scheme's valid credentials. */
  authenticate(authorization: string | undefined): boolean;
}

const REALM = 'Airlock Config API';

/** Compares through fixed-length digests, so neither length nor content leaks through timing. */
function sameSecret(given: string, expected: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();
  return timingSafeEqual(digest(given), digest(expected));
}

export function basicAuthenticator(credentials: { username: string; password: string }): Authenticator {
  if (!credentials.username || !credentials.password) throw new Error('basic auth needs a username and a password (BASIC_AUTH_USERNAME, BASIC_AUTH_PASSWORD)');
  if (credentials.username.includes(':')) throw new Error('the basic auth username may not contain ":" (RFC 7617)');
  return {
    challenge: `Basic realm="${REALM}", charset="UTF-8"`,
    authenticate(authorization) {
      const match = /^Basic +([A-Za-z0-9+/]+={0,2}) *$/i.exec(authorization ?? '');
      if (!match) return false;
      const decoded = Buffer.from(match[1], 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (colon < 0) return false;
      // Both halves are always compared: no early exit tells which one was wrong.
      const userOk = sameSecret(decoded.slice(0, colon), credentials.username);
      const passwordOk = sameSecret(decoded.slice(colon + 1), credentials.password);
      return userOk && passwordOk;
    },
  };
}

/** Throws a 401 (with every scheme's challenge) unless one authenticator accepts the header. No authenticators: open. */
export function authenticate(authorization: string | undefined, authenticators: readonly Authenticator[]): void {
  if (authenticators.length === 0 || authenticators.some((a) => a.authenticate(authorization))) return;
  throw new UnauthorizedError(
    authorization === undefined ? 'Authentication required: send the API credentials (e.g. curl -u user:password)' : 'Invalid credentials',
    authenticators.map((a) => a.challenge),
  );
}
