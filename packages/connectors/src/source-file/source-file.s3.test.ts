// source-file over S3 against a real SeaweedFS S3 gateway, including the shared source contract.
import { readFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { SeaweedService, type StartedSeaweedService } from '@platform/services';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadFixtures, runSourceContractSuite } from '../testing/index';
import type { FileSourceConfig } from './config';
import { sourceFile } from './index';
import type { S3Provider } from './storage/s3';
import { checkMessage, readAll } from './test/read-helpers';

const FIXTURES_DIR = fileURLToPath(new URL('./test/', import.meta.url));
const BUCKET = 'files';
let seaweed: StartedSeaweedService;
let dataDir: string;

/** One SeaweedFS for the whole file: the contract suite and the cases below both need it. */
let started: Promise<StartedSeaweedService> | undefined;
function startSeaweed(): Promise<StartedSeaweedService> {
  return (started ??= (async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'source-file-seaweed-'));
    seaweed = await new SeaweedService({ dataDir }).start();
    await seaweed.createBucket(BUCKET);
    const client = seaweed.s3Client();
    try {
      const put = (Key: string, Body: string | Buffer) => client.send(new PutObjectCommand({ Bucket: BUCKET, Key, Body }));
      await put('people.csv', await readFile(join(FIXTURES_DIR, 'people.csv')));
      await put('nested/people.csv.gz', gzipSync('id,name\n1,Ann\n'));
    } finally {
      client.destroy();
    }
    return seaweed;
  })());
}

function s3(key: string, provider: Partial<S3Provider> = {}, bucket = BUCKET): FileSourceConfig {
  return {
    dataset_name: 'people',
    format: 'csv',
    url: `s3://${bucket}/${key}`,
    provider: {
      storage: 'S3',
      endpoint: seaweed.endpoint,
      aws_access_key_id: seaweed.accessKeyId,
      aws_secret_access_key: seaweed.secretAccessKey,
      ...provider,
    },
  };
}

beforeAll(startSeaweed, 60_000);

afterAll(async () => {
  await seaweed?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

// Airbyte's file source has no incremental sync (spec supportsIncremental: false), so the suite checks that it refuses one.
runSourceContractSuite<FileSourceConfig>({
  name: 'source-file',
  connector: sourceFile,
  expectedSecrets: ['provider.aws_secret_access_key', 'provider.aws_access_key_id'],
  setup: async () => {
    const { endpoint, accessKeyId, secretAccessKey } = await startSeaweed();
    return loadFixtures<FileSourceConfig>(FIXTURES_DIR, { BUCKET, ENDPOINT: endpoint, ACCESS_KEY_ID: accessKeyId, SECRET_ACCESS_KEY: secretAccessKey });
  },
});

describe('source-file over S3 (SeaweedFS)', () => {
  it('streams an object, plain and gzip', async () => {
    expect(await checkMessage(s3('people.csv'))).toBe('SUCCEEDED');
    expect((await readAll(s3('people.csv'))).records).toHaveLength(3);
    expect((await readAll(s3('nested/people.csv.gz'))).records).toEqual([{ id: 1, name: 'Ann' }]);
  });

  it.each([
    ['a missing key', () => s3('missing.csv'), /^File not found: s3:\/\/files\/missing\.csv$/],
    ['a missing bucket', () => s3('people.csv', {}, 'no-such-bucket'), /^Bucket not found for s3:\/\/no-such-bucket\/people\.csv$/],
    ['a wrong secret', () => s3('people.csv', { aws_secret_access_key: 'wrong-secret' }), /^S3 rejected the credentials for s3:\/\/files\/people\.csv \(SignatureDoesNotMatch\)/],
    ['an unknown access key', () => s3('people.csv', { aws_access_key_id: 'nobody' }), /^S3 rejected the credentials .*\(InvalidAccessKeyId\)/],
    ['no credentials on a private bucket', () => s3('people.csv', { aws_access_key_id: undefined, aws_secret_access_key: undefined }), /^Access denied to s3:\/\/files\/people\.csv/],
    ['only one of the two keys', () => s3('people.csv', { aws_secret_access_key: undefined }), /^Set both aws_access_key_id and aws_secret_access_key/],
    ['a url without a key', () => s3(''), /must look like s3:\/\/bucket\/path\/to\/file/],
  ])('check fails clearly for %s', async (_, config, message) => {
    const text = await checkMessage(config());
    expect(text).toMatch(message);
    expect(text).not.toContain('wrong-secret');
  });
});
