import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parseSecretKey, SecretCipher } from './crypto';
import { maskPaths } from '../api/presenters/actor-fields';
import { openSecrets, sealSecrets } from '../store/sealed-config';

describe('secret encryption', () => {
  const cipher = new SecretCipher(randomBytes(32));

  it('round-trips and never produces the same token twice', () => {
    const a = cipher.encrypt('p@ss');
    expect(a).not.toContain('p@ss');
    expect(a).not.toBe(cipher.encrypt('p@ss'));
    expect(cipher.decrypt(a)).toBe('p@ss');
  });

  it('refuses a token made with another key', () => {
    const other = new SecretCipher(randomBytes(32));
    expect(() => other.decrypt(cipher.encrypt('x'))).toThrow(/PLATFORM_SECRET_KEY differs/);
  });

  it('parses hex and base64 keys and explains a missing or short one', () => {
    const key = randomBytes(32);
    expect(parseSecretKey(key.toString('hex'))).toEqual(key);
    expect(parseSecretKey(key.toString('base64'))).toEqual(key);
    expect(() => parseSecretKey(undefined)).toThrow(/PLATFORM_SECRET_KEY is not set.*openssl rand -hex 32/);
    expect(() => parseSecretKey('abcd')).toThrow(/must be 32 bytes/);
  });

  it('seals secret paths (nested too), opens them and masks them', () => {
    const config = { host: 'db', password: 'p@ss w0rd', port: 5432, tunnel: { key: { n: 1 } }, empty: null };
    const sealed = sealSecrets(config, ['password', 'tunnel.key', 'empty', 'absent.path'], cipher);
    expect(JSON.stringify(sealed)).not.toContain('p@ss w0rd');
    expect(sealed.empty).toBeNull();
    const opened = openSecrets(sealed, cipher);
    expect(opened.configuration).toEqual(config);
    expect(opened.secretPaths.sort()).toEqual(['password', 'tunnel.key']);
    expect(maskPaths(opened.configuration, opened.secretPaths, '***')).toEqual({ ...config, password: '***', tunnel: { key: '***' } });
  });
});
