// Everything written for one stream in one sync: its record buffer, its CSV chunks, the part
// numbers of its files, and its ledger (stream-ledger.ts): overwrite files are uploads at their
// final keys completed at the end, append files are recorded before they upload.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { ConfiguredAirbyteStream, JsonSchema, LogLevel } from '@platform/protocol';
import type { CsvFileBatch } from '../framework/batches';
import { csvBatchRecords } from '../framework/expand';
import type { InputColumn } from './columns';
import type { OutputFormat, RecordBuffer } from './formats/index';
import type { ObjectStore } from './object-store';
import type { StreamObjectKeys } from './object-keys';
import type { ResumePoint } from './state-fingerprint';
import type { StreamLedger } from './stream-ledger';
import type { UploadQueue } from './uploads';

export interface SinkLimits {
  /** A record buffer becomes files past this many rows... */
  bufferMaxRows: number;
  /** ...or this many (uncompressed) bytes. */
  bufferMaxBytes: number;
}

export interface SinkDeps {
  store: ObjectStore;
  uploads: UploadQueue;
  format: OutputFormat;
  limits: SinkLimits;
  /** A directory this sink may fill with numbered working directories. */
  workDir: string;
  log(level: LogLevel, message: string): void;
}

/** Records handed on in groups of this size when a format reads a CSV chunk's records. */
const RECORD_GROUP = 1000;

export class StreamSink {
  readonly label: string;
  private readonly columns: InputColumn[];
  private buffer?: RecordBuffer;
  private nextPart?: number;
  private workDirs = 0;

  constructor(
    readonly configured: ConfiguredAirbyteStream,
    readonly keys: StreamObjectKeys,
    private readonly ledger: StreamLedger,
    private readonly deps: SinkDeps,
  ) {
    const { name, namespace, json_schema } = configured.stream;
    this.label = `stream ${namespace ? `${namespace}.` : ''}${name}`;
    const properties = (json_schema.properties ?? {}) as Record<string, JsonSchema>;
    this.columns = Object.entries(properties).map(([column, schema]) => ({ name: column, schema }));
  }

  async writeRecords(records: Record<string, unknown>[], emittedAt: number): Promise<void> {
    this.buffer ??= await this.deps.format.openBuffer(this.columns, await this.newWorkDir(), this.label);
    await this.buffer.append(records, emittedAt);
    const { bufferMaxRows, bufferMaxBytes } = this.deps.limits;
    if (this.buffer.rows >= bufferMaxRows || this.buffer.bytes >= bufferMaxBytes) await this.flush();
  }

  /** The fast path: a CSV chunk becomes its own file(s), never rows in JS (for Parquet). */
  async writeCsvBatch(batch: CsvFileBatch): Promise<void> {
    try {
      const { format } = this.deps;
      if (format.convertCsvBatch) {
        await this.upload(await format.convertCsvBatch(batch, this.columns, await this.newWorkDir(), `${this.label} chunk of ${batch.rowCount} rows`));
        return;
      }
      let group: Record<string, unknown>[] = [];
      // JSON columns stay as their text, so the writer copies them digit for digit.
      for await (const record of csvBatchRecords(batch, { rawJson: true })) {
        group.push(record);
        if (group.length === RECORD_GROUP) {
          await this.writeRecords(group, batch.emittedAt);
          group = [];
        }
      }
      if (group.length > 0) await this.writeRecords(group, batch.emittedAt);
    } finally {
      await batch.release();
    }
  }

  /** Turns buffered records into files and queues their upload. */
  async flush(): Promise<void> {
    const buffer = this.buffer;
    if (!buffer) return;
    this.buffer = undefined;
    await this.upload(await buffer.finish());
  }

  private get overwrite(): boolean {
    return this.configured.destination_sync_mode === 'overwrite';
  }

  /** Before any data: settles what earlier attempts left (see StreamLedger.prepare). */
  prepare(resume: ResumePoint): Promise<void> {
    return this.ledger.prepare(resume);
  }

  /** Files handed to the upload queue so far (kept ones of an earlier attempt included). */
  get filesAllocated(): number {
    return this.ledger.filesAllocated;
  }

  /** Records that the first `files` files are committed with a STATE; call before acknowledging it. */
  checkpoint(fingerprint: string, files: number): Promise<void> {
    return this.ledger.checkpoint(fingerprint, files);
  }

  /** After every file is uploaded and every STATE acknowledged: overwrite makes the new files current. */
  async finish(): Promise<void> {
    if (this.overwrite) await this.ledger.promote();
    else await this.ledger.close();
  }

  /** After a failure: removes what this attempt wrote past its last committed STATE. */
  abandon(): Promise<void> {
    return this.ledger.abandon();
  }

  private async upload(files: string[]): Promise<void> {
    const { uploads, format, log, store } = this.deps;
    for (const file of files) {
      const key = this.keys.keyFor(await this.allocatePart());
      if (this.overwrite) {
        const send = this.ledger.nextUpload(key, format.contentType);
        await uploads.run(file, () => send(file), () => log('INFO', `${this.label}: uploaded ${store.url(key)} (visible once the sync completes)`));
      } else {
        await this.ledger.recordFinalKey(key);
        await uploads.add(file, key, format.contentType, () => log('INFO', `${this.label}: uploaded ${store.url(key)}`));
      }
    }
  }

  /**
   * Part numbers continue after any this sync's naming already produced (same names on a
   * rerun), and after the kept uncompleted uploads of an earlier attempt, which LIST does not show.
   */
  private async allocatePart(): Promise<number> {
    if (this.nextPart === undefined) {
      let highest = -1;
      const taken = [...(await this.deps.store.listKeys(this.keys.thisSyncPrefix)), ...this.ledger.finalKeys];
      for (const key of taken) highest = Math.max(highest, this.keys.partNumberOf(key) ?? -1);
      this.nextPart = highest + 1;
    }
    return this.nextPart++;
  }

  private async newWorkDir(): Promise<string> {
    const dir = join(this.deps.workDir, String(this.workDirs++));
    await mkdir(dir, { recursive: true });
    return dir;
  }
}
