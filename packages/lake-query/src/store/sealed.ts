// Source secrets at rest: AES-256-GCM under PLATFORM_SECRET_KEY (32 bytes, hex or base64), the
// same key and token shape (`v1.<iv>.<tag>.<ciphertext>`, base64url) the platform's server uses.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

export class SecretKeyError extends Error {
  override name = 'SecretKeyError';
}

export function parseSecretKey(raw: string | undefined): Buffer {
  const value = raw?.trim();
  const hint = 'set PLATFORM_SECRET_KEY to 32 bytes as 64 hex characters or base64 (`openssl rand -hex 32`)';
  if (!value) throw new SecretKeyError(`PLATFORM_SECRET_KEY is not set: ${hint}`);
  if (/^[0-9a-fA-F]{64}$/.test(value)) return Buffer.from(value, 'hex');
  const bytes = Buffer.from(value, 'base64');
  if (bytes.length === 32) return bytes;
  throw new SecretKeyError(`PLATFORM_SECRET_KEY is malformed: ${hint}`);
}

export function seal(key: Buffer, plaintext: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return ['v1', iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), data.toString('base64url')].join('.');
}

export function unseal(key: Buffer, token: string): string {
  const [version, iv, tag, data] = token.split('.');
  if (version !== 'v1' || !data) throw new SecretKeyError('a stored source secret is not a sealed value');
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  try {
    return Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString('utf8');
  } catch {
    throw new SecretKeyError('a stored source secret does not open with PLATFORM_SECRET_KEY (was the key changed?)');
  }
}
