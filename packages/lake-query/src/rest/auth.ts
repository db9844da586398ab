// Dremio's login: POST /apiv2/login {userName, password} → {token}; requests then carry
// `Authorization: _dremio<token>` (or `Bearer <token>`). One user, from config/platform.yaml.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export interface Credentials {
  user: string;
  password: string;
}

const TOKEN_TTL_MS = 30 * 60 * 60 * 1000; // Dremio's default session length: 30 hours

export class Sessions {
  private readonly tokens = new Map<string, { user: string; expires: number }>();

  constructor(private readonly credentials: Credentials) {}

  /** Whether user and password match (compared in constant time). */
  verify(user: unknown, password: unknown): boolean {
    if (typeof user !== 'string' || typeof password !== 'string') return false;
    const digest = (s: string) => createHash('sha256').update(s).digest();
    const userOk = timingSafeEqual(digest(user), digest(this.credentials.user));
    const passwordOk = timingSafeEqual(digest(password), digest(this.credentials.password));
    return userOk && passwordOk;
  }

  login(user: string): { token: string; expires: number } {
    const token = randomBytes(24).toString('base64url');
    const expires = Date.now() + TOKEN_TTL_MS;
    this.tokens.set(token, { user, expires });
    return { token, expires };
  }

  /** The user of an Authorization header, or undefined. */
  userOf(header: string | undefined): string | undefined {
    const token = /^(?:_dremio|Bearer\s+)(\S+)$/.exec(header?.trim() ?? '')?.[1];
    const session = token ? this.tokens.get(token) : undefined;
    if (!session) return undefined;
    if (session.expires < Date.now()) {
      this.tokens.delete(token!);
      return undefined;
    }
    return session.user;
  }
}
