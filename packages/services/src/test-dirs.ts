import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

/** A fresh temp dir that other users can traverse (as root, Postgres runs as the `postgres` user). */
export async function tempDir(prefix: string): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), `${prefix}-`));
  await fs.chmod(dir, 0o755);
  return dir;
}
