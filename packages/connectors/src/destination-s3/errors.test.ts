import { describe, expect, it } from 'vitest';
import { describeNetworkFailureClassification, FAILING_HOST } from '../testing/network-failures';
import { toConnectorError } from './errors';

const ctx = { bucket: 'lake', endpoint: `http://${FAILING_HOST}:9000`, region: 'us-east-1', operation: 'upload of s3://lake/a.parquet' };
const sdkError = (name: string, status: number) => Object.assign(new Error(name), { name, $metadata: { httpStatusCode: status } });

describe('the S3 error table', () => {
  it.each([
    [sdkError('NoSuchBucket', 404), 'config_error', `bucket 'lake' does not exist at http://${FAILING_HOST}:9000`],
    [sdkError('UnknownError', 403), 'config_error', 'access denied: check access_key_id / secret_access_key'],
    [sdkError('PermanentRedirect', 301), 'config_error', "set s3_bucket_region to the bucket's region"],
    [sdkError('SlowDown', 503), 'transient_error', 'is unavailable (SlowDown, HTTP 503); retry later'],
    [sdkError('InvalidArgument', 400), 'system_error', 'S3 upload of s3://lake/a.parquet failed: InvalidArgument'],
  ])('%s', (err, failureType, message) => {
    const mapped = toConnectorError(err, ctx);
    expect(mapped.failureType).toBe(failureType);
    expect(mapped.message).toContain(message);
  });
});

describeNetworkFailureClassification('destination-s3', (err) => toConnectorError(err, ctx));
