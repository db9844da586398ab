// source-file over S3 against a real SeaweedFS S3 gateway.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FileSourceConfig } from './config';
import type { S3Provider } from './storage/s3';
import { checkMessage, readAll } from './test/read-helpers';
import { BUCKET, startFixtureBucket, type FixtureBucket } from './test/s3-fixture';

let bucket: FixtureBucket;

function s3(key: string, provider: Partial<S3Provider> = {}, bucketName = BUCKET): FileSourceConfig {
  return {
    dataset_name: 'people',
    format: 'csv',
    url: `s3://${bucketName}/${key}`,
    provider: {
      storage: 'S3',
      endpoint: bucket.seaweed.endpoint,
      aws_access_key_id: bucket.seaweed.accessKeyId,
      aws_secret_access_key: bucket.seaweed.secretAccessKey,
      ...provider,
    },
  };
}

beforeAll(async () => {
  bucket = await startFixtureBucket();
}, 60_000);

// SeaweedFS gets 10 s to stop before SIGKILL, as long as vitest's default hook timeout.
afterAll(async () => {
  await bucket?.stop();
}, 60_000);

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
