// The only place that talks to S3. Every call maps its failure through errors.ts.
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  DeleteObjectsCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import type { S3Settings } from './config';
import { toConnectorError } from './errors';

/** An uploaded part of a multipart upload, as CompleteMultipartUpload wants it back. */
export interface UploadedPart {
  PartNumber: number;
  ETag: string;
}

const PART_SIZE = 8 * 1024 * 1024;
/** Parts in flight per upload; PART_SIZE × this bounds the memory an upload takes. */
const PARTS_IN_FLIGHT = 2;
const DELETE_BATCH = 1000;
/** Commands whose bodies are data files: SigV4 hashes each (8 MB parts) unless told not to. */
const DATA_BODIES = new Set(['PutObjectCommand', 'UploadPartCommand']);

/** An endpoint on this machine: nothing between us and the server can alter a body. */
export function isLoopbackEndpoint(endpoint: string): boolean {
  try {
    const host = new URL(endpoint).hostname;
    return host === 'localhost' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);
  } catch {
    return false;
  }
}

export class ObjectStore {
  readonly bucket: string;
  private readonly client: S3Client;
  private readonly where: string;

  constructor(private readonly settings: S3Settings) {
    this.bucket = settings.bucket;
    this.where = settings.endpoint || `AWS S3 (${settings.region})`;
    this.client = new S3Client({
      region: settings.region,
      endpoint: settings.endpoint || undefined,
      // S3-compatible servers (MinIO, SeaweedFS) serve buckets by path, not by DNS name.
      forcePathStyle: true,
      credentials: { accessKeyId: settings.accessKeyId, secretAccessKey: settings.secretAccessKey },
      // Newer SDKs add CRC32 checksums that many S3-compatible servers reject.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      maxAttempts: 3,
      requestHandler: { connectionTimeout: 5_000, requestTimeout: 120_000 },
    });
    // On loopback, data bodies go as S3's UNSIGNED-PAYLOAD: the signer takes a preset
    // x-amz-content-sha256 as the payload's hash instead of computing SHA-256 over every part
    // (0.9 CPU s of a 10M-row sync). Remote endpoints keep signed payloads.
    if (isLoopbackEndpoint(settings.endpoint)) {
      this.client.middlewareStack.add(
        (next, context) => (args) => {
          const request = args.request as { headers?: Record<string, string> };
          if (DATA_BODIES.has(context.commandName ?? '') && request.headers) request.headers['x-amz-content-sha256'] = 'UNSIGNED-PAYLOAD';
          return next(args);
        },
        { step: 'build', name: 'unsignedPayloadOnLoopback' },
      );
    }
  }

  /** `s3://bucket/key`, for messages. */
  url(key: string): string {
    return `s3://${this.bucket}/${key}`;
  }

  async assertBucketExists(): Promise<void> {
    await this.call(`bucket check of s3://${this.bucket}`, () => this.client.send(new HeadBucketCommand({ Bucket: this.bucket })));
  }

  /** Streams a local file up (multipart when large) without reading it into memory. */
  async uploadFile(key: string, localPath: string, contentType: string): Promise<void> {
    await this.call(`upload of ${this.url(key)}`, () =>
      new Upload({
        client: this.client,
        params: { Bucket: this.bucket, Key: key, Body: createReadStream(localPath), ContentType: contentType },
        partSize: PART_SIZE,
        queueSize: PARTS_IN_FLIGHT,
        leavePartsOnError: false,
      }).done(),
    );
  }

  /** Starts a multipart upload at `key`: nothing is visible there until it is completed. */
  async startUpload(key: string, contentType: string): Promise<string> {
    const { UploadId } = await this.call(`start of an upload to ${this.url(key)}`, () =>
      this.client.send(new CreateMultipartUploadCommand({ Bucket: this.bucket, Key: key, ContentType: contentType })),
    );
    if (!UploadId) throw toConnectorError(new Error('no upload id in the answer'), this.context(`start of an upload to ${this.url(key)}`));
    return UploadId;
  }

  /** Uploads a local file as the parts of a started upload, PARTS_IN_FLIGHT at a time, without completing it. */
  async uploadParts(key: string, uploadId: string, localPath: string): Promise<UploadedPart[]> {
    const file = await open(localPath);
    try {
      const { size } = await file.stat();
      const count = Math.max(1, Math.ceil(size / PART_SIZE));
      const parts: UploadedPart[] = [];
      let next = 0;
      const worker = async () => {
        for (let i = next++; i < count; i = next++) {
          const body = Buffer.alloc(Math.min(PART_SIZE, size - i * PART_SIZE));
          await file.read(body, 0, body.length, i * PART_SIZE);
          const { ETag } = await this.call(`upload of part ${i + 1} of ${this.url(key)}`, () =>
            this.client.send(new UploadPartCommand({ Bucket: this.bucket, Key: key, UploadId: uploadId, PartNumber: i + 1, Body: body })),
          );
          parts[i] = { PartNumber: i + 1, ETag: ETag ?? '' };
        }
      };
      await Promise.all(Array.from({ length: Math.min(PARTS_IN_FLIGHT, count) }, worker));
      return parts;
    } finally {
      await file.close();
    }
  }

  /**
   * Completes a started upload; false when the server no longer knows it (already completed
   * or aborted: the caller tells which by looking for the object).
   */
  async completeUpload(key: string, uploadId: string, parts: UploadedPart[]): Promise<boolean> {
    try {
      await this.client.send(new CompleteMultipartUploadCommand({ Bucket: this.bucket, Key: key, UploadId: uploadId, MultipartUpload: { Parts: parts } }));
      return true;
    } catch (err) {
      if ((err as Error).name === 'NoSuchUpload') return false;
      throw toConnectorError(err, this.context(`completion of the upload of ${this.url(key)}`));
    }
  }

  /** Aborts one upload; one the server no longer knows is fine. */
  async abortUpload(key: string, uploadId: string): Promise<void> {
    try {
      await this.client.send(new AbortMultipartUploadCommand({ Bucket: this.bucket, Key: key, UploadId: uploadId }));
    } catch (err) {
      if ((err as Error).name === 'NoSuchUpload') return;
      throw toConnectorError(err, this.context(`abort of the upload of ${this.url(key)}`));
    }
  }

  async putText(key: string, body: string): Promise<void> {
    await this.call(`write of ${this.url(key)}`, () => this.client.send(new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: body })));
  }

  async getText(key: string): Promise<string> {
    return this.call(`read of ${this.url(key)}`, async () => (await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }))).Body!.transformToString());
  }

  /** Server-side copy (objects up to 5 GB; files here are far smaller), content type kept. */
  async copy(fromKey: string, toKey: string): Promise<void> {
    // CopySource is "bucket/key", URL-encoded except for the slashes.
    const source = `${this.bucket}/${encodeURIComponent(fromKey).replace(/%2F/g, '/')}`;
    await this.call(`copy of ${this.url(fromKey)} to ${toKey}`, () => this.client.send(new CopyObjectCommand({ Bucket: this.bucket, Key: toKey, CopySource: source })));
  }

  /** Aborts multipart uploads under `prefix` that a killed process left unfinished (they hold storage, invisible to LIST). */
  async abortUploads(prefix: string): Promise<number> {
    const uploads = await this.call(`list of unfinished uploads under ${this.url(prefix)}`, () =>
      this.client.send(new ListMultipartUploadsCommand({ Bucket: this.bucket, Prefix: prefix })),
    );
    let aborted = 0;
    for (const { Key, UploadId } of uploads.Uploads ?? []) {
      if (!Key || !UploadId) continue;
      await this.call(`abort of an unfinished upload of ${this.url(Key)}`, () => this.client.send(new AbortMultipartUploadCommand({ Bucket: this.bucket, Key, UploadId })));
      aborted++;
    }
    return aborted;
  }

  async listKeys(prefix: string): Promise<string[]> {
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const page = await this.call(`list of ${this.url(prefix)}`, () =>
        this.client.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, ContinuationToken: token })),
      );
      for (const o of page.Contents ?? []) if (o.Key) keys.push(o.Key);
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return keys;
  }

  async deleteKey(key: string): Promise<void> {
    await this.call(`delete of ${this.url(key)}`, () => this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key })));
  }

  async deleteKeys(keys: readonly string[]): Promise<void> {
    for (let i = 0; i < keys.length; i += DELETE_BATCH) {
      const batch = keys.slice(i, i + DELETE_BATCH);
      const result = await this.call(`delete of ${batch.length} objects in s3://${this.bucket}`, () =>
        this.client.send(new DeleteObjectsCommand({ Bucket: this.bucket, Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true } })),
      );
      const failed = result.Errors?.[0];
      if (failed) throw toConnectorError({ name: failed.Code, message: failed.Message }, this.context(`delete of ${this.url(failed.Key ?? '')}`));
    }
  }

  destroy(): void {
    this.client.destroy();
  }

  private context(operation: string) {
    return { bucket: this.bucket, endpoint: this.where, region: this.settings.region, operation };
  }

  private async call<T>(operation: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw toConnectorError(err, this.context(operation));
    }
  }
}
