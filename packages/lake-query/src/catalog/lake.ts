// What a source's S3 holds, in Dremio's terms: buckets and key prefixes are folders; a folder
// with data files (Parquet, CSV, JSON Lines, gzipped or not) in it or below it is a dataset, and
// so is a single data file. Names resolve case-insensitively (an exact match wins).
import { ListBucketsCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { rootSegments, s3Connection, type S3SourceConfig } from './sources';

export type DataFormat = 'parquet' | 'csv' | 'json';

export interface DataFile {
  /** s3://bucket/key */
  url: string;
  format: DataFormat;
  /** Folders between the dataset's folder and the file (Dremio's dir0, dir1, …). */
  dirs: string[];
  size: number;
  etag: string;
}

export interface FolderListing {
  folders: string[];
  /** Data files directly in the folder. */
  files: string[];
}

export type LakeEntry = { kind: 'folder'; path: string[] } | { kind: 'file'; path: string[] } | undefined;

export function formatOf(key: string): DataFormat | undefined {
  if (/\.parquet$/i.test(key)) return 'parquet';
  if (/\.csv(\.gz)?$/i.test(key)) return 'csv';
  if (/\.jsonl?(\.gz)?$/i.test(key)) return 'json';
  return undefined;
}

export class LakeSource {
  private readonly client: S3Client;
  private readonly root: string[];
  private readonly buckets?: string[];

  constructor(config: S3SourceConfig) {
    const s3 = s3Connection(config);
    this.root = rootSegments(config);
    this.buckets = s3.buckets;
    this.client = new S3Client({
      endpoint: `${s3.useSsl ? 'https' : 'http'}://${s3.endpointHost}`,
      region: s3.region,
      credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
      forcePathStyle: s3.pathStyle,
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      maxAttempts: 2,
    });
  }

  close(): void {
    this.client.destroy();
  }

  /** Folders and data files directly under `path` (relative to the source). */
  async list(path: string[]): Promise<FolderListing> {
    const full = [...this.root, ...path];
    if (full.length === 0) {
      const { Buckets = [] } = await this.client.send(new ListBucketsCommand({}));
      const names = Buckets.map((b) => b.Name!).filter((name) => !this.buckets || this.buckets.includes(name));
      return { folders: names.sort(), files: [] };
    }
    const folders: string[] = [];
    const files: string[] = [];
    let token: string | undefined;
    const prefix = keyPrefix(full);
    do {
      const page = await this.client.send(new ListObjectsV2Command({ Bucket: full[0], Prefix: prefix, Delimiter: '/', ContinuationToken: token }));
      for (const p of page.CommonPrefixes ?? []) folders.push(p.Prefix!.slice(prefix.length, -1));
      for (const o of page.Contents ?? []) if (formatOf(o.Key!) && o.Size) files.push(o.Key!.slice(prefix.length));
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return { folders, files };
  }

  /** The entry a path names, with the stored spelling of each part; undefined when nothing is there. */
  async resolve(path: string[]): Promise<LakeEntry> {
    if (path.length === 0) return { kind: 'folder', path: [] };
    if (this.root.length === 0 && this.buckets && !this.buckets.some((b) => b.toLowerCase() === path[0].toLowerCase())) return undefined;
    // The common case, names spelled as stored: one request.
    if (await this.hasKeysUnder([...this.root, ...path]).catch(notFoundAsFalse)) return { kind: 'folder', path };
    const resolved: string[] = [];
    for (let i = 0; i < path.length; i++) {
      const listing = await this.list(resolved).catch((error: unknown) => (notFoundAsFalse(error), undefined));
      if (!listing) return undefined;
      const pick = (names: string[]) => names.find((n) => n === path[i]) ?? names.find((n) => n.toLowerCase() === path[i].toLowerCase());
      const folder = pick(listing.folders);
      if (folder !== undefined) {
        resolved.push(folder);
        continue;
      }
      const file = i === path.length - 1 ? pick(listing.files) : undefined;
      return file === undefined ? undefined : { kind: 'file', path: [...resolved, file] };
    }
    return { kind: 'folder', path: resolved };
  }

  /** Every data file in the folder and below it, or the one file `path` names. */
  async dataFiles(entry: NonNullable<LakeEntry>): Promise<DataFile[]> {
    const full = [...this.root, ...entry.path];
    if (full.length < 1) throw new Error('a source root with several buckets is not a dataset; name a bucket and folder');
    if (full.length === 1 && entry.kind === 'file') return [];
    const bucket = full[0];
    const prefix = entry.kind === 'file' ? full.slice(1).join('/') : keyPrefix(full);
    const files: DataFile[] = [];
    let token: string | undefined;
    do {
      const page = await this.client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
      for (const object of page.Contents ?? []) {
        const key = object.Key!;
        const format = formatOf(key);
        if (!format || !object.Size) continue;
        if (entry.kind === 'file' && key !== prefix) continue;
        const dirs = entry.kind === 'file' ? [] : key.slice(prefix.length).split('/').slice(0, -1);
        files.push({ url: `s3://${bucket}/${key}`, format, dirs, size: object.Size, etag: object.ETag ?? '' });
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return files;
  }

  /** Folders (relative to the source) that directly hold data files: the datasets INFORMATION_SCHEMA lists. */
  async datasetFolders(): Promise<string[][]> {
    const buckets = this.root.length ? [this.root[0]] : (await this.list([])).folders;
    const found = new Map<string, string[]>();
    for (const bucket of buckets) {
      const prefix = this.root.length > 1 ? keyPrefix(this.root) : '';
      let token: string | undefined;
      do {
        const page = await this.client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
        for (const object of page.Contents ?? []) {
          if (!formatOf(object.Key!) || !object.Size) continue;
          const dirs = object.Key!.slice(prefix.length).split('/').slice(0, -1);
          const path = this.root.length ? dirs : [bucket, ...dirs];
          if (path.length) found.set(path.join('/'), path);
        }
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
    }
    return [...found.values()];
  }

  private async hasKeysUnder(full: string[]): Promise<boolean> {
    if (full.length === 1) {
      const { Buckets = [] } = await this.client.send(new ListBucketsCommand({}));
      return Buckets.some((b) => b.Name === full[0]);
    }
    const page = await this.client.send(new ListObjectsV2Command({ Bucket: full[0], Prefix: keyPrefix(full), MaxKeys: 1 }));
    return (page.KeyCount ?? 0) > 0;
  }
}

/** A bucket that does not exist is "nothing there"; any other S3 error (credentials, endpoint) is thrown. */
function notFoundAsFalse(error: unknown): false {
  if ((error as Error).name === 'NoSuchBucket') return false;
  throw error;
}

/** `bucket/a/b` → key prefix `a/b/` ('' at the bucket's root). */
const keyPrefix = (full: string[]): string => (full.length > 1 ? `${full.slice(1).join('/')}/` : '');
