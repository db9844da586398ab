// What one stream's syncs leave in S3 besides its data, so that (1) an overwrite becomes
// visible only once complete, and is resumed by the next attempt of the same generation, and
// (2) whatever a failed or killed attempt wrote past its last committed STATE is removed by
// that attempt or, after a kill, by the next one. Under
// <bucket path>/.airbyte/<writer>/<stream id>/g<generation>/:
//
//   up-<seq>.json    overwrite: {"key", "uploadId"} of file <seq>, a multipart upload at its
//                    final key left uncompleted (invisible to LIST and GET) until promotion;
//                    written before its parts upload, rewritten with "parts" once they have
//   part-<seq><ext>  overwrite, left by older versions: file <seq> staged for a copy
//   ref-<seq>.json   append: {"key": final key} of file <seq>, written before its upload starts
//   ck-<n>.json      {"files": f, "state": fingerprint}: files with seq < f are committed with
//                    that STATE; written before the STATE is acknowledged
//   promote.json     overwrite: {"uploads": [...]} to complete (older versions: [staged, final]
//                    pairs to copy), written before the first, so an interrupted promotion is
//                    finished by whoever finds it
//
// Removal order keeps the ledger meaningful after a crash at any point: data before the refs
// that name it, refs before checkpoints, promote.json last.
import { createHash } from 'node:crypto';
import type { LogLevel } from '@platform/protocol';
import { systemError } from '../framework/errors';
import { keySegment } from './key-segments';
import type { ObjectStore, UploadedPart } from './object-store';
import type { StreamObjectKeys } from './object-keys';
import type { ResumePoint } from './state-fingerprint';

/** The directory the ledgers of a bucket path live in: the literal part of the bucket path, then `.airbyte/`. */
export function ledgerRoot(bucketPath: string): string {
  const variable = bucketPath.indexOf('${');
  const literal = variable < 0 ? `${bucketPath}/` : bucketPath.slice(0, bucketPath.lastIndexOf('/', variable) + 1);
  return `${literal}.airbyte/`.replace(/\/{2,}/g, '/').replace(/^\//, '');
}

/** Readable and unique: the encoded name, then a hash of namespace and name. */
export function ledgerStreamId(stream: { name: string; namespace?: string | null }): string {
  const hash = createHash('sha256').update(`${stream.namespace ?? ''}\u0000${stream.name}`).digest('hex').slice(0, 12);
  return `${keySegment(stream.name)}-${hash}`;
}

type EntryKind = 'part' | 'ref' | 'ck' | 'up';
interface Entry {
  key: string;
  kind: EntryKind;
  /** File sequence number (part, ref, up) or checkpoint number (ck). */
  n: number;
}
interface Generation {
  entries: Entry[];
  promote?: string;
}
interface Checkpoint {
  n: number;
  files: number;
}
/** An overwrite file: a multipart upload at its final key; `parts` once they are all uploaded. */
interface PendingUpload {
  key: string;
  uploadId: string;
  parts?: UploadedPart[];
}

const ENTRY = /^g([^/]+)\/(?:(part)-(\d+)(?:\..*)?|(ref)-(\d+)\.json|(ck)-(\d+)\.json|(up)-(\d+)\.json|(promote)\.json)$/;
const pad = (n: number) => String(n).padStart(8, '0');
const COPIES_IN_FLIGHT = 4;
const COMPLETIONS_IN_FLIGHT = 4;

export interface LedgerOptions {
  store: ObjectStore;
  /** `<root><writer>/<stream id>/`. */
  dir: string;
  /** Airbyte's generation id; absent when the caller runs no generations (nothing is then resumed). */
  generation?: number;
  mode: 'overwrite' | 'append';
  keys: StreamObjectKeys;
  label: string;
  log(level: LogLevel, message: string): void;
}

export class StreamLedger {
  private readonly genDir: string;
  private readonly resumable: boolean;
  /**
   * Files of this generation by sequence number: final keys (for append files kept from an
   * earlier attempt, their ref keys).
   */
  private readonly files: string[] = [];
  /** Overwrite: the upload of each file, by sequence number. */
  private readonly uploads: PendingUpload[] = [];
  private nextCheckpoint = 0;
  /** Files with a lower sequence number are covered by a checkpoint. */
  private committedFiles = 0;
  private promoting = false;

  constructor(private readonly o: LedgerOptions) {
    this.resumable = o.generation !== undefined;
    this.genDir = `${o.dir}g${o.generation ?? 'none'}/`;
  }

  get filesAllocated(): number {
    return this.files.length;
  }

  /** Final keys of this generation's files so far, kept ones of an earlier attempt included (uncompleted uploads are not listed). */
  get finalKeys(): readonly string[] {
    return this.files;
  }

  /**
   * Before the first file: finishes a promotion a killed attempt left half done, removes what
   * failed attempts wrote past what `resume` covers, and keeps the rest of this generation
   * for the resumed read to continue.
   */
  async prepare(resume: ResumePoint): Promise<void> {
    const { store, dir } = this.o;
    const aborted = await store.abortUploads(dir);
    const generations = await this.listGenerations();
    let swept = 0;
    for (const [name, generation] of generations) {
      if (generation.promote) {
        await this.finishPromotion(name, generation);
        continue;
      }
      swept += await this.settle(name, generation.entries, resume);
    }
    if (swept + aborted > 0) this.o.log('INFO', `${this.o.label}: removed ${swept + aborted} object(s) that failed attempts left (files past their last committed state, or staged for a sync that never completed)`);
    if (this.files.length > 0) this.o.log('INFO', `${this.o.label}: resuming with ${this.files.length} file(s) an earlier attempt of this sync committed`);
  }

  /**
   * Overwrite: takes the next file number for `finalKey` now; the returned function uploads a
   * local file there as an uncompleted multipart upload, recorded before its parts are sent.
   */
  nextUpload(finalKey: string, contentType: string): (localPath: string) => Promise<void> {
    const seq = this.files.length;
    const upload: PendingUpload = { key: finalKey, uploadId: '' };
    this.files.push(finalKey);
    this.uploads.push(upload);
    const entry = `${this.genDir}up-${pad(seq)}.json`;
    return async (localPath) => {
      const { store } = this.o;
      const uploadId = await store.startUpload(finalKey, contentType);
      try {
        await store.putText(entry, JSON.stringify({ key: finalKey, uploadId }));
      } catch (err) {
        await store.abortUpload(finalKey, uploadId).catch(() => undefined);
        throw err;
      }
      upload.uploadId = uploadId;
      const parts = await store.uploadParts(finalKey, uploadId, localPath);
      await store.putText(entry, JSON.stringify({ key: finalKey, uploadId, parts }));
      upload.parts = parts;
    };
  }

  /** Append: records that the next file goes to `finalKey`, before its upload starts. */
  async recordFinalKey(finalKey: string): Promise<void> {
    const seq = this.files.length;
    this.files.push(finalKey);
    await this.o.store.putText(`${this.genDir}ref-${pad(seq)}.json`, JSON.stringify({ key: finalKey }));
  }

  /** The first `files` files are committed with the STATE `fingerprint` describes; call before acknowledging it. */
  async checkpoint(fingerprint: string, files: number): Promise<void> {
    await this.o.store.putText(`${this.genDir}ck-${pad(this.nextCheckpoint++)}.json`, JSON.stringify({ files, state: fingerprint }));
    this.committedFiles = files;
  }

  /** Append, after the sync succeeded: every file is committed, the ledger has nothing left to say. */
  async close(): Promise<void> {
    await this.removeGeneration(this.genDir, await this.o.store.listKeys(this.genDir));
  }

  /**
   * Overwrite, after the sync succeeded: completes the uploads (their objects appear at their
   * final keys), then deletes the stream's objects from earlier syncs and the ledger.
   */
  async promote(): Promise<void> {
    const uploads = this.uploads;
    if (uploads.some((u) => !u.parts)) throw systemError(`${this.o.label}: cannot promote: a file's upload did not finish`);
    this.promoting = true;
    await this.o.store.putText(`${this.genDir}promote.json`, JSON.stringify({ uploads }));
    await this.applyPromotion(this.genDir, uploads.map((u) => u.key), () => this.completeUploads(uploads));
  }

  /** After a failure: removes this attempt's files past the last checkpoint; a promotion under way is left to be finished. */
  async abandon(): Promise<void> {
    if (this.promoting) return;
    const uncommitted = this.files.slice(this.committedFiles);
    if (uncommitted.length === 0) return;
    const { store } = this.o;
    if (this.o.mode === 'append') {
      await store.deleteKeys(uncommitted);
      await store.deleteKeys(uncommitted.map((_, i) => `${this.genDir}ref-${pad(this.committedFiles + i)}.json`));
    } else {
      // Aborted, never completed: nothing of them ever becomes visible.
      for (const upload of this.uploads.slice(this.committedFiles)) if (upload.uploadId) await store.abortUpload(upload.key, upload.uploadId);
      await store.deleteKeys(uncommitted.map((_, i) => `${this.genDir}up-${pad(this.committedFiles + i)}.json`));
    }
    this.o.log('INFO', `${this.o.label}: removed ${uncommitted.length} file(s) written after the last committed state`);
  }

  private async listGenerations(): Promise<Map<string, Generation>> {
    const generations = new Map<string, Generation>();
    for (const key of await this.o.store.listKeys(this.o.dir)) {
      const m = ENTRY.exec(key.slice(this.o.dir.length));
      if (!m) continue;
      const generation = generations.get(m[1]) ?? { entries: [] };
      generations.set(m[1], generation);
      if (m[10]) generation.promote = key;
      else {
        const kind = (m[2] ?? m[4] ?? m[6] ?? m[8]) as EntryKind;
        generation.entries.push({ key, kind, n: Number(m[3] ?? m[5] ?? m[7] ?? m[9]) });
      }
    }
    return generations;
  }

  /**
   * One generation found at the start: files past what `resume` covers are removed; the
   * current generation keeps the rest and continues it; any other generation is retired
   * (its committed append files stay, its staged files are never made current).
   */
  private async settle(name: string, entries: Entry[], resume: ResumePoint): Promise<number> {
    const { store } = this.o;
    const of = (kind: EntryKind) => entries.filter((e) => e.kind === kind).sort((a, b) => a.n - b.n);
    const [parts, refs, checkpoints, ups] = [of('part'), of('ref'), of('ck'), of('up')];
    const continuing = this.resumable && name === String(this.o.generation);
    const covered = await this.coveredBy(resume, checkpoints);
    if (covered === 'mismatch' && continuing && this.o.mode === 'overwrite' && parts.length > 0) {
      throw systemError(
        `${this.o.label}: cannot resume the overwrite: no checkpoint in s3://${store.bucket}/${this.o.dir}g${name}/ matches the state the sync resumes from; the next sync starts the stream over`,
      );
    }
    const kept = covered === 'mismatch' ? undefined : covered;
    const keepFiles = continuing ? (kept?.files ?? 0) : 0;
    const uncoveredRefs = refs.filter((r) => r.n >= (kept?.files ?? 0));
    const finals = await Promise.all(uncoveredRefs.map(async (r) => (JSON.parse(await store.getText(r.key)) as { key: string }).key));
    for (const key of finals) await store.abortUploads(key);
    await store.deleteKeys(finals);
    if (parts.some((p) => p.n < keepFiles)) {
      throw systemError(`${this.o.label}: cannot resume: s3://${store.bucket}/${this.o.dir}g${name}/ was staged by an older version; the next sync starts the stream over`);
    }
    const discardedParts = parts.filter((p) => p.n >= keepFiles);
    // Uploads not covered by a checkpoint, and all of a retired generation, are aborted, never completed.
    const discardedUps = ups.filter((u) => u.n >= keepFiles);
    const readUpload = async (e: Entry) => JSON.parse(await store.getText(e.key)) as PendingUpload;
    for (const upload of await Promise.all(discardedUps.map(readUpload))) await store.abortUpload(upload.key, upload.uploadId);
    await store.deleteKeys([...uncoveredRefs, ...discardedParts, ...discardedUps].map((e) => e.key));
    if (continuing) {
      await store.deleteKeys(checkpoints.filter((c) => c.n > (kept?.n ?? -1)).map((c) => c.key));
      if (this.o.mode === 'overwrite') {
        const keptUploads = await Promise.all(ups.filter((u) => u.n < keepFiles).map(readUpload));
        // A checkpoint covers only files whose parts were all uploaded and recorded.
        if (keptUploads.some((u) => !u.parts)) throw systemError(`${this.o.label}: cannot resume: a committed file of s3://${store.bucket}/${this.o.dir}g${name}/ has no parts recorded; the next sync starts the stream over`);
        this.uploads.push(...keptUploads);
        this.files.push(...keptUploads.map((u) => u.key));
      }
      // Append files an earlier attempt committed stay where they are: only their number matters here.
      else this.files.push(...refs.filter((e) => e.n < keepFiles).map((e) => e.key));
      if (this.files.length !== keepFiles) {
        throw systemError(`${this.o.label}: cannot resume: the committed files of s3://${store.bucket}/${this.o.dir}g${name}/ are incomplete; the next sync starts the stream over`);
      }
      this.committedFiles = keepFiles;
      this.nextCheckpoint = (kept?.n ?? -1) + 1;
    } else {
      await this.removeGeneration(`${this.o.dir}g${name}/`, entries.filter((e) => !uncoveredRefs.includes(e) && !discardedParts.includes(e) && !discardedUps.includes(e)).map((e) => e.key));
    }
    return finals.length + discardedParts.length + discardedUps.length;
  }

  /** The newest checkpoint `resume` covers: the newest one when unknown, the matching one when known. */
  private async coveredBy(resume: ResumePoint, checkpoints: Entry[]): Promise<Checkpoint | undefined | 'mismatch'> {
    const read = async (c: Entry) => ({ n: c.n, ...(JSON.parse(await this.o.store.getText(c.key)) as { files: number; state: string }) });
    if (!resume.known) return checkpoints.length > 0 ? read(checkpoints[checkpoints.length - 1]) : undefined;
    if (resume.fingerprint === undefined) return undefined;
    for (let i = checkpoints.length - 1; i >= 0; i--) {
      const checkpoint = await read(checkpoints[i]);
      if (checkpoint.state === resume.fingerprint) return checkpoint;
    }
    return 'mismatch';
  }

  /** Deletes a generation's ledger keys: refs and parts before checkpoints, promote.json last. */
  private async removeGeneration(genDir: string, keys: string[]): Promise<void> {
    const rank = (key: string) => (key.endsWith('/promote.json') ? 2 : /\/ck-\d+\.json$/.test(key) ? 1 : 0);
    for (const r of [0, 1, 2]) await this.o.store.deleteKeys(keys.filter((k) => k.startsWith(genDir) && rank(k) === r));
  }

  private async finishPromotion(name: string, generation: Generation): Promise<void> {
    const { store } = this.o;
    const promotion = JSON.parse(await store.getText(generation.promote!)) as Array<[string, string]> | { uploads: PendingUpload[] };
    this.o.log('INFO', `${this.o.label}: finishing the promotion of a complete generation that an interrupted sync left`);
    const genDir = `${this.o.dir}g${name}/`;
    if (!Array.isArray(promotion)) {
      await this.applyPromotion(genDir, promotion.uploads.map((u) => u.key), () => this.completeUploads(promotion.uploads));
      return;
    }
    // An older version's promotion: staged files still present are copied to their final keys.
    const staged = new Set(generation.entries.map((e) => e.key));
    const copies = promotion.filter(([from]) => staged.has(from));
    await this.applyPromotion(genDir, promotion.map(([, to]) => to), async () => {
      for (let i = 0; i < copies.length; i += COPIES_IN_FLIGHT) {
        await Promise.all(copies.slice(i, i + COPIES_IN_FLIGHT).map(([from, to]) => store.copy(from, to)));
      }
    });
  }

  /** Completes uploads; one the server no longer knows must be one completed before (its object exists). */
  private async completeUploads(uploads: PendingUpload[]): Promise<void> {
    const { store } = this.o;
    const complete = async (u: PendingUpload) => {
      if (await store.completeUpload(u.key, u.uploadId, u.parts ?? [])) return;
      if (!(await store.listKeys(u.key)).includes(u.key)) {
        throw systemError(`${this.o.label}: cannot promote: the upload of ${store.url(u.key)} is gone and no object is there; the next sync starts the stream over`);
      }
    };
    for (let i = 0; i < uploads.length; i += COMPLETIONS_IN_FLIGHT) await Promise.all(uploads.slice(i, i + COMPLETIONS_IN_FLIGHT).map(complete));
  }

  /** Makes the new files current (`publish`), then deletes the older objects, then the ledger; safe to repeat from any point. */
  private async applyPromotion(genDir: string, finalKeys: string[], publish: () => Promise<void>): Promise<void> {
    const { store, keys } = this.o;
    await publish();
    const current = new Set(finalKeys);
    const older = (await store.listKeys(keys.listPrefix)).filter((key) => keys.isStreamObject(key) && !current.has(key));
    await store.deleteKeys(older);
    await this.removeGeneration(genDir, await store.listKeys(genDir));
    if (older.length > 0) this.o.log('INFO', `${this.o.label}: overwrite removed ${older.length} object(s) of earlier syncs`);
  }
}
