// Encryption at rest for connector secrets: AES-256-GCM with a random 96-bit IV per value.
// Tokens look like `v1.<iv>.<tag>.<ciphertext>` (base64url), so the format can evolve.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const TOKEN_VERSION = 'v1';

export class SecretKeyError extends Error {
  override name = 'SecretKeyError';
}

/**
 * Parses PLATFORM_SECRET_KEY: 32 bytes as 64 hex characters or as base64.
 * A missing or malformed key is a startup error, never a silent plaintext fallback.
 */
export function parseSecretKey(raw: string | undefined): Buffer {
  const hint = 'Generate one with `openssl rand -hex 32` and set PLATFORM_SECRET_KEY.';
  const value = raw?.trim();
  if (!value) throw new SecretKeyError(`PLATFORM_SECRET_KEY is not set; it encrypts connector secrets at rest. ${hint}`);
  if (/^[0-9a-fA-F]{64}$/.test(value)) return Buffer.from(value, 'hex');
  if (/^[A-Za-z0-9+/_-]+={0,2}$/.test(value)) {
    const bytes = Buffer.from(value, 'base64');
    if (bytes.length === 32) return bytes;
  }
  throw new SecretKeyError(`PLATFORM_SECRET_KEY must be 32 bytes, as 64 hex characters or base64. ${hint}`);
}

export class SecretCipher {
  private readonly key: Buffer;

  constructor(key: Buffer) {
    if (key.length !== 32) throw new SecretKeyError('The secret key must be exactly 32 bytes (AES-256).');
    this.key = key;
  }

  encrypt(plaintext: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return [TOKEN_VERSION, iv, cipher.getAuthTag(), ciphertext].map((p) => (typeof p === 'string' ? p : p.toString('base64url'))).join('.');
  }

  /** Throws when the token was made with another key or was tampered with (GCM authentication). */
  decrypt(token: string): string {
    const [version, iv, tag, ciphertext] = token.split('.');
    if (version !== TOKEN_VERSION || !iv || !tag || ciphertext === undefined) throw new Error('Not an encrypted secret token');
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    try {
      return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8');
    } catch {
      throw new SecretKeyError('A stored secret cannot be decrypted: PLATFORM_SECRET_KEY differs from the key it was encrypted with.');
    }
  }
}
