// S3: Amazon Web Services provider, also for S3-compatible servers through `endpoint`.
import type { Readable } from 'node:stream';
import { GetObjectCommand, S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import { configError } from '../../framework/errors';
import type { FileLocation } from './location';

export interface S3Provider {
  storage: 'S3';
  aws_access_key_id?: string;
  aws_secret_access_key?: string;
  endpoint?: string;
  region?: string;
}

/** Accepts s3://bucket/key and, like Airbyte, bucket/key without the scheme. */
function parseS3Url(url: string): { bucket: string; key: string } {
  const path = url.replace(/^s3:\/\//i, '');
  const slash = path.indexOf('/');
  if (slash <= 0 || slash === path.length - 1) throw configError(`url "${url}" must look like s3://bucket/path/to/file`);
  return { bucket: path.slice(0, slash), key: path.slice(slash + 1) };
}

/**
 * Without keys Airbyte reads public buckets unsigned. The SDK has no anonymous mode, so both
 * SigV4 schemes get an empty identity and a pass-through signer (no credential lookup at all).
 */
const UNSIGNED_AUTH_SCHEMES: S3ClientConfig['httpAuthSchemes'] = ['aws.auth#sigv4', 'aws.auth#sigv4a'].map((schemeId) => ({
  schemeId,
  identityProvider: () => async () => ({}),
  signer: { sign: async (request) => request },
}));

function clientConfig(provider: S3Provider): S3ClientConfig {
  const keyId = provider.aws_access_key_id ?? '';
  const secret = provider.aws_secret_access_key ?? '';
  if (Boolean(keyId) !== Boolean(secret)) throw configError('Set both aws_access_key_id and aws_secret_access_key, or neither for a public bucket');
  return {
    region: provider.region || 'us-east-1',
    ...(provider.endpoint ? { endpoint: provider.endpoint } : {}),
    forcePathStyle: true,
    // S3-compatible servers reject or lack the newer default checksums.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    ...(keyId ? { credentials: { accessKeyId: keyId, secretAccessKey: secret } } : { httpAuthSchemes: UNSIGNED_AUTH_SCHEMES }),
  };
}

export function s3File(url: string, provider: S3Provider): FileLocation {
  const { bucket, key } = parseS3Url(url);
  const config = clientConfig(provider);
  return {
    describe: `s3://${bucket}/${key}`,
    async open(signal) {
      const client = new S3Client(config);
      try {
        const out = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }), { abortSignal: signal });
        const body = out.Body as Readable;
        body.once('close', () => client.destroy());
        return body;
      } catch (err) {
        client.destroy();
        throw err;
      }
    },
  };
}
