// PLATFORM_SECRET_KEY encrypts connector secrets at rest. Generated once per state folder
// and kept in secret.key (0600): losing it makes the stored secrets unreadable, so a
// restart must find the same key. An explicit PLATFORM_SECRET_KEY wins.
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export function ensureSecretKey(file: string, env: NodeJS.ProcessEnv = process.env): string {
  if (env.PLATFORM_SECRET_KEY) return env.PLATFORM_SECRET_KEY;
  try {
    return readFileSync(file, 'utf8').trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  mkdirSync(path.dirname(file), { recursive: true });
  const key = randomBytes(32).toString('hex');
  // 'wx': never overwrite a key another process wrote in the meantime.
  writeFileSync(file, `${key}\n`, { mode: 0o600, flag: 'wx' });
  return key;
}
