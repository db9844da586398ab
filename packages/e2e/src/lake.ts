// An S3 client for the platform's lake, to read it back as a downstream user would (with
// @platform/connectors/testing's lake reader).
import { S3Client } from '@aws-sdk/client-s3';
import type { PlatformHandle } from '@platform/launcher';

export function lakeClient(platform: PlatformHandle): S3Client {
  const { endpoint, region, accessKeyId, secretAccessKey } = platform.s3;
  return new S3Client({
    endpoint,
    region,
    credentials: { accessKeyId, secretAccessKey },
    forcePathStyle: true,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}
