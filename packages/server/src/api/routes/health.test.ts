// /health on real dependencies: the test run's Postgres and a SeaweedFS started here, both
// taken down for real (a stopped S3 server, a database port nobody listens on).
import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, SeaweedService, type StartedSeaweedService } from '@platform/services';
import { createApiServer } from '../http-server';
import { createPlatform } from '../../app';
import { createLogger } from '../../shared/logger';
import { startTestApi, type TestApi } from '../../testing/api-harness';
import type { PlatformS3Settings } from '../../services/dependency-checks';

const BUCKET = 'platform-lake';
const ACCESS_KEY = 'health-key';
const SECRET = `health-secret-${randomBytes(6).toString('hex')}`;

async function getHealth(url: string): Promise<{ status: number; body: any; text: string }> {
  const res = await fetch(`${url}/api/v1/health`);
  const text = await res.text();
  return { status: res.status, body: JSON.parse(text), text };
}

describe('/health reports each dependency', () => {
  let dataDir: string;
  let s3Port: number;
  let seaweed: StartedSeaweedService | undefined;
  let api: TestApi;
  const startSeaweed = async () => {
    seaweed = await new SeaweedService({ dataDir, s3Port, accessKeyId: ACCESS_KEY, secretAccessKey: SECRET }).start();
    await seaweed.createBucket(BUCKET);
  };
  const settings = (overrides: Partial<PlatformS3Settings> = {}): PlatformS3Settings => ({
    endpoint: `http://127.0.0.1:${s3Port}`,
    region: 'us-east-1',
    bucket: BUCKET,
    accessKeyId: ACCESS_KEY,
    secretAccessKey: SECRET,
    ...overrides,
  });

  beforeAll(async () => {
    dataDir = path.join(tmpdir(), `health-s3-${randomBytes(4).toString('hex')}`);
    s3Port = await freePort();
    await startSeaweed();
    api = await startTestApi({ platformS3: settings() });
  });
  afterAll(async () => {
    await api?.close();
    await seaweed?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('answers 200 with the database and the S3 server available', async () => {
    const health = await getHealth(api.url);
    expect(health.status).toBe(200);
    expect(health.body).toEqual({ available: true, dependencies: { database: { available: true }, s3: { available: true } } });
  });

  it('answers 503 naming s3 while the S3 server is down, and 200 again once it is back', async () => {
    await seaweed!.stop();
    seaweed = undefined;
    const down = await getHealth(api.url);
    expect(down.status).toBe(503);
    expect(down.body.available).toBe(false);
    expect(down.body.dependencies.database).toEqual({ available: true });
    expect(down.body.dependencies.s3.available).toBe(false);
    expect(down.body.dependencies.s3.error).toContain(`http://127.0.0.1:${s3Port}`);
    expect(down.body.dependencies.s3.error).toMatch(/ECONNREFUSED/);

    await startSeaweed();
    expect(await getHealth(api.url)).toMatchObject({ status: 200, body: { available: true } });
  });

  it('names a missing bucket and a refused key without showing the secret', async () => {
    const wrong = [
      { settings: settings({ bucket: 'no-such-bucket' }), error: /bucket "no-such-bucket" does not exist/ },
      { settings: settings({ secretAccessKey: `${SECRET}-wrong` }), error: /access to bucket "platform-lake" denied \(HTTP 403\)/ },
    ];
    for (const { settings: s3, error } of wrong) {
      const other = await startTestApi({ platformS3: s3 });
      try {
        const health = await getHealth(other.url);
        expect(health.status).toBe(503);
        expect(health.body.dependencies.s3.error).toMatch(error);
        expect(health.text).not.toContain(SECRET);
      } finally {
        await other.close();
      }
    }
  });

  it('answers 503 naming the database when nothing listens on its port, without the password', async () => {
    const password = `db-password-${randomBytes(6).toString('hex')}`;
    const platform = createPlatform({
      databaseUrl: `postgresql://platform:${password}@127.0.0.1:${await freePort()}/platform`,
      secretKey: randomBytes(32),
      log: createLogger('test', { write: () => {} }),
      platformS3: settings(),
    });
    const server = createApiServer(platform.services, { port: await freePort(), validateResponses: true });
    const url = await server.listen();
    try {
      const health = await getHealth(url);
      expect(health.status).toBe(503);
      expect(health.body.dependencies.database.available).toBe(false);
      expect(health.body.dependencies.database.error).toMatch(/ECONNREFUSED/);
      expect(health.body.dependencies.s3).toEqual({ available: true });
      expect(health.text).not.toContain(password);
    } finally {
      await server.close();
      await platform.close();
    }
  });
});
