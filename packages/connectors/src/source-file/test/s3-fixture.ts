// A real SeaweedFS S3 server holding this connector's fixture files, for its S3 and contract tests.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { SeaweedService, type StartedSeaweedService } from '@platform/services';

export const FIXTURES_DIR = fileURLToPath(new URL('.', import.meta.url));
export const BUCKET = 'files';

export interface FixtureBucket {
  seaweed: StartedSeaweedService;
  /** Values for the config.json template. */
  vars: { BUCKET: string; ENDPOINT: string; ACCESS_KEY_ID: string; SECRET_ACCESS_KEY: string };
  stop(): Promise<void>;
}

/** Starts SeaweedFS with BUCKET holding people.csv and nested/people.csv.gz. */
export async function startFixtureBucket(): Promise<FixtureBucket> {
  const dataDir = await mkdtemp(join(tmpdir(), 'source-file-seaweed-'));
  const seaweed = await new SeaweedService({ dataDir }).start();
  const stop = async () => {
    await seaweed.stop();
    await rm(dataDir, { recursive: true, force: true });
  };
  const client = seaweed.s3Client();
  try {
    await seaweed.createBucket(BUCKET);
    const put = (Key: string, Body: string | Buffer) => client.send(new PutObjectCommand({ Bucket: BUCKET, Key, Body }));
    await put('people.csv', await readFile(join(FIXTURES_DIR, 'people.csv')));
    await put('nested/people.csv.gz', gzipSync('id,name\n1,Ann\n'));
  } catch (err) {
    await stop();
    throw err;
  } finally {
    client.destroy();
  }
  return {
    seaweed,
    vars: { BUCKET, ENDPOINT: seaweed.endpoint, ACCESS_KEY_ID: seaweed.accessKeyId, SECRET_ACCESS_KEY: seaweed.secretAccessKey },
    stop,
  };
}
