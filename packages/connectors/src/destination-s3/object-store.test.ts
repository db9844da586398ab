// ObjectStore on a real SeaweedFS at 127.0.0.1, where data bodies go as UNSIGNED-PAYLOAD: a
// multipart upload and a single PUT land byte for byte; remote endpoints keep signed payloads.
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveSettings } from './config';
import { isLoopbackEndpoint, ObjectStore } from './object-store';
import { getObject, lakeConfig, startLake, type Lake } from './test/lake';

let lake: Lake;

beforeAll(async () => {
  lake = await startLake();
}, 120_000);

afterAll(async () => {
  await lake?.stop();
}, 60_000);

describe('ObjectStore', () => {
  it('uploads files byte for byte to a loopback endpoint (multipart and single PUT)', async () => {
    const settings = resolveSettings(lakeConfig(lake));
    expect(isLoopbackEndpoint(settings.endpoint)).toBe(true);
    const store = new ObjectStore(settings);
    try {
      for (const [name, bytes] of [
        ['large.bin', 20 * 1024 * 1024 + 12345],
        ['small.bin', 1000],
      ] as const) {
        const data = randomBytes(bytes);
        const path = join(lake.dir, name);
        await writeFile(path, data);
        await store.uploadFile(`unsigned/${name}`, path, 'application/octet-stream');
        expect((await getObject(lake, `unsigned/${name}`)).equals(data)).toBe(true);
      }
    } finally {
      store.destroy();
    }
  }, 120_000);

  it('treats only this machine as loopback', () => {
    for (const endpoint of ['http://127.0.0.1:8333', 'http://localhost:9000', 'http://[::1]:9000', 'https://127.0.0.2']) expect(isLoopbackEndpoint(endpoint)).toBe(true);
    for (const endpoint of ['', 'http://10.0.0.5:9000', 'https://s3.amazonaws.com', 'http://127.0.0.1.example.com', 'http://minio:9000']) expect(isLoopbackEndpoint(endpoint)).toBe(false);
  });
});
