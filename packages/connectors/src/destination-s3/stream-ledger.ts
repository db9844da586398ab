// What one stream's syncs leave in S3 besides its data, so that (1) an overwrite becomes
// visible only once complete, and is resumed by the next attempt of the same generation, and
// (2) whatever a failed or killed attempt wrote past its last committed STATE is removed by
// that attempt or, after a kill, by the next one. Under
// <bucket path>/.airbyte/<writer>/<stream id>/g<generation>/:
//
//   part-<seq><ext>  overwrite: file <seq> of the new generation, staged where readers of the
//                    stream's path do not look
//   ref-<seq>.json   append: {"key": final key} of file <seq>, written before its upload starts
//   ck-<n>.json      {"files": f, "state": fingerprint}: files with seq < f are committed with
//                    that STATE; written before the STATE is acknowledged
//   promote.json     overwrite: [staged, final] pairs, written before the first copy, so an
//                    interrupted promotion is finished by whoever finds it
//
// Removal order keeps the ledger meaningful after a crash at any point: data before the refs
// that name it, refs before checkpoints, promote.json last.
import { createHash } from 'node:crypto';
import type { LogLevel } from '@platform/protocol';
import { systemError } from '../framework/errors';
import { keySegment } from './key-segments';
import type { ObjectStore } from './object-store';
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

type EntryKind = 'part' | 'ref' | 'ck';
interface Entry {
  key: string;
  kind: EntryKind;
  /** File sequence number (part, ref) or checkpoint number (ck). */
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

const ENTRY = /^g([^/]+)\/(?:(part)-(\d+)(?:\..*)?|(ref)-(\d+)\.json|(ck)-(\d+)\.json|(promote)\.json)$/;
const pad = (n: number) => String(n).padStart(8, '0');
const COPIES_IN_FLIGHT = 4;

export interface LedgerOptions {
  store: ObjectStore;
  /** `<root><writer>/<stream id>/`. */
  dir: string;
  /** Airbyte's generation id; absent when the caller runs no generations (nothing is then resumed). */
  generation?: number;
  mode: 'overwrite' | 'append';
  keys: StreamObjectKeys;
  extension: string;
  label: string;
  log(level: LogLevel, message: string): void;
}

export class StreamLedger {
  private readonly genDir: string;
  private readonly resumable: boolean;
  /**
   * Files of this generation by sequence number: staged keys (overwrite) or final keys
   * (append; for files kept from an earlier attempt, their ref keys).
   */
  private readonly files: string[] = [];
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

  /** Overwrite: where the next file is staged. */
  nextStagedKey(): string {
    const key = `${this.genDir}part-${pad(this.files.length)}${this.o.extension}`;
    this.files.push(key);
    return key;
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
   * Overwrite, after the sync succeeded: copies the staged files to their final keys, then
   * deletes the stream's objects from earlier syncs and the staging area.
   */
  async promote(nextFinalKey: () => Promise<string>): Promise<void> {
    const pairs: Array<[string, string]> = [];
    for (const staged of this.files) pairs.push([staged, await nextFinalKey()]);
    this.promoting = true;
    await this.o.store.putText(`${this.genDir}promote.json`, JSON.stringify(pairs));
    await this.applyPromotion(this.genDir, pairs);
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
      await store.deleteKeys(uncommitted);
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
      if (m[8]) generation.promote = key;
      else {
        const kind = (m[2] ?? m[4] ?? m[6]) as EntryKind;
        generation.entries.push({ key, kind, n: Number(m[3] ?? m[5] ?? m[7]) });
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
    const [parts, refs, checkpoints] = [of('part'), of('ref'), of('ck')];
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
    const discardedParts = parts.filter((p) => p.n >= keepFiles);
    await store.deleteKeys([...uncoveredRefs, ...discardedParts].map((e) => e.key));
    if (continuing) {
      await store.deleteKeys(checkpoints.filter((c) => c.n > (kept?.n ?? -1)).map((c) => c.key));
      // Append files an earlier attempt committed stay where they are: only their number matters here.
      this.files.push(...(this.o.mode === 'overwrite' ? parts : refs).filter((e) => e.n < keepFiles).map((e) => e.key));
      if (this.files.length !== keepFiles) {
        throw systemError(`${this.o.label}: cannot resume: the committed files of s3://${store.bucket}/${this.o.dir}g${name}/ are incomplete; the next sync starts the stream over`);
      }
      this.committedFiles = keepFiles;
      this.nextCheckpoint = (kept?.n ?? -1) + 1;
    } else {
      await this.removeGeneration(`${this.o.dir}g${name}/`, entries.filter((e) => !uncoveredRefs.includes(e) && !discardedParts.includes(e)).map((e) => e.key));
    }
    return finals.length + discardedParts.length;
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
    const pairs = JSON.parse(await this.o.store.getText(generation.promote!)) as Array<[string, string]>;
    const staged = new Set(generation.entries.map((e) => e.key));
    this.o.log('INFO', `${this.o.label}: finishing the promotion of a complete generation that an interrupted sync left`);
    await this.applyPromotion(
      `${this.o.dir}g${name}/`,
      pairs.filter(([from]) => staged.has(from)),
      pairs.map(([, to]) => to),
    );
  }

  /** Copies, then deletes the older objects, then the staging area; safe to repeat from any point. */
  private async applyPromotion(genDir: string, copies: Array<[string, string]>, finalKeys = copies.map(([, to]) => to)): Promise<void> {
    const { store, keys } = this.o;
    for (let i = 0; i < copies.length; i += COPIES_IN_FLIGHT) {
      await Promise.all(copies.slice(i, i + COPIES_IN_FLIGHT).map(([from, to]) => store.copy(from, to)));
    }
    const current = new Set(finalKeys);
    const older = (await store.listKeys(keys.listPrefix)).filter((key) => keys.isStreamObject(key) && !current.has(key));
    await store.deleteKeys(older);
    await this.removeGeneration(genDir, await store.listKeys(genDir));
    if (older.length > 0) this.o.log('INFO', `${this.o.label}: overwrite removed ${older.length} object(s) of earlier syncs`);
  }
}
