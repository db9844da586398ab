// Applications of Airbyte's public API: client credentials exchanged for a bearer token
// (Airbyte's POST /applications/token, OAuth 2 client_credentials). Tokens are random, live
// ACCESS_TOKEN_TTL_SECONDS as Airbyte's do, and are kept only as digests.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { ApplicationRecord, ApplicationStore } from '../store/application-store';

/** Airbyte's access tokens last 3 minutes; clients (the SDKs) fetch a new one when it expires. */
export const ACCESS_TOKEN_TTL_SECONDS = 180;

export interface AccessToken {
  accessToken: string;
  expiresIn: number;
}

const digest = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();

/** Constant-time through fixed-length digests: neither length nor content leaks. */
const sameSecret = (given: string, expected: string): boolean => timingSafeEqual(digest(given), digest(expected));

export class ApplicationService {
  constructor(private readonly store: ApplicationStore) {}

  /** The application `platform up` registers (its credentials come from the launcher's state folder). */
  ensure(input: Pick<ApplicationRecord, 'clientId' | 'name' | 'clientSecret'>): Promise<ApplicationRecord> {
    if (!input.clientId.trim() || !input.clientSecret.trim()) throw new Error('an application needs a client id and a client secret');
    return this.store.upsertApplication(input);
  }

  /** A new bearer token, or undefined when the id or the secret is wrong (the caller answers 401 without saying which). */
  async issueToken(clientId: string, clientSecret: string): Promise<AccessToken | undefined> {
    const application = await this.store.getApplication(clientId);
    // Compared even for an unknown id, so timing does not tell which ids exist.
    const secretOk = sameSecret(clientSecret, application?.clientSecret ?? randomBytes(16).toString('hex'));
    if (!application || !secretOk) return undefined;
    const accessToken = randomBytes(32).toString('base64url');
    await this.store.insertToken(digest(accessToken), application.clientId, new Date(Date.now() + ACCESS_TOKEN_TTL_SECONDS * 1000));
    return { accessToken, expiresIn: ACCESS_TOKEN_TTL_SECONDS };
  }

  /** True for a token this platform issued that has not expired. */
  async verify(accessToken: string): Promise<boolean> {
    if (!accessToken) return false;
    return (await this.store.tokenClient(digest(accessToken))) !== undefined;
  }
}
