// What the platform needs to be of use, probed cheaply for /health: its own database and,
// when the launcher says where it is, the S3 server the platform runs (a HEAD of its bucket).
// Each probe has a short deadline, so a hung dependency answers "unavailable", not a hang.
import { HeadBucketCommand, S3Client } from '@aws-sdk/client-s3';
import type { Pool } from '../store/db';

/** The platform's own S3 server (the launcher's `s3:` settings), not a destination's. */
export interface PlatformS3Settings {
  endpoint: string;
  region: string;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
}

export interface DependencyHealth {
  available: boolean;
  /** Why it is not available; never a credential. */
  error?: string;
}

export interface DependencyChecks {
  /** Every dependency's health, probed in parallel. */
  check(): Promise<Record<string, DependencyHealth>>;
  close(): void;
}

export const DEPENDENCY_CHECK_TIMEOUT_MS = 2_000;

export function createDependencyChecks(pool: Pool, s3?: PlatformS3Settings): DependencyChecks {
  const probes: Record<string, () => Promise<void>> = { database: () => pool.query('SELECT 1').then(() => undefined) };
  const client = s3 && s3Client(s3);
  if (s3 && client) probes.s3 = () => headBucket(client, s3);
  return {
    async check() {
      const names = Object.keys(probes);
      const results = await Promise.all(names.map((name) => health(probes[name])));
      return Object.fromEntries(names.map((name, i) => [name, results[i]]));
    },
    close: () => client?.destroy(),
  };
}

async function health(probe: () => Promise<void>): Promise<DependencyHealth> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${DEPENDENCY_CHECK_TIMEOUT_MS} ms`)), DEPENDENCY_CHECK_TIMEOUT_MS);
  });
  try {
    await Promise.race([probe(), deadline]);
    return { available: true };
  } catch (err) {
    return { available: false, error: describeFailure(err) };
  } finally {
    clearTimeout(timer);
  }
}

function s3Client(settings: PlatformS3Settings): S3Client {
  return new S3Client({
    endpoint: settings.endpoint,
    region: settings.region,
    credentials: { accessKeyId: settings.accessKeyId, secretAccessKey: settings.secretAccessKey },
    forcePathStyle: true,
    maxAttempts: 1, // a probe reports; the next /health call is the retry
    requestHandler: { connectionTimeout: DEPENDENCY_CHECK_TIMEOUT_MS, requestTimeout: DEPENDENCY_CHECK_TIMEOUT_MS },
  });
}

async function headBucket(client: S3Client, { endpoint, bucket }: PlatformS3Settings): Promise<void> {
  try {
    await client.send(new HeadBucketCommand({ Bucket: bucket }), { abortSignal: AbortSignal.timeout(DEPENDENCY_CHECK_TIMEOUT_MS) });
  } catch (err) {
    // HEAD answers carry no error body: the status is all there is to go on.
    const status = (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    if (status === 404) throw new Error(`${endpoint}: bucket "${bucket}" does not exist`);
    if (status === 403) throw new Error(`${endpoint}: access to bucket "${bucket}" denied (HTTP 403): check the access key and secret`);
    if (status) throw new Error(`${endpoint}: HEAD of bucket "${bucket}" answered HTTP ${status}`);
    throw new Error(`${endpoint}: ${describeFailure(err)}`);
  }
}

/** The error's own words, with the errno code (ECONNREFUSED) when the message lacks it. */
function describeFailure(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const code = (err as { code?: unknown }).code;
  const message = err.message || err.name;
  return typeof code === 'string' && !message.includes(code) ? `${code}: ${message}` : message;
}
