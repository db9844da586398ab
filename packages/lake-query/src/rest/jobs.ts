// Dremio's asynchronous jobs: POST /api/v3/sql starts one; its rows are kept in a DuckDB table
// (bounded by DuckDB's memory limit, spilling to disk) and read back a page at a time.
import { randomUUID } from 'node:crypto';
import type { DuckDBType } from '@duckdb/node-api';
import { QueryCanceledError, type QueryService } from '../engine/query-service';
import type { LakeDuckDb } from '../engine/duckdb';
import { withoutTrailingSemicolons } from '../sql/tokens';
import { dremioType } from '../engine/types';
import { jsonWriter } from './values';

export type JobState = 'QUEUED' | 'RUNNING' | 'COMPLETED' | 'FAILED' | 'CANCELED';

export interface Job {
  id: string;
  sql: string;
  context: string[];
  queryType: string;
  state: JobState;
  rowCount: number;
  errorMessage: string;
  cancellationReason: string;
  submittedAt: Date;
  startedAt?: Date;
  endedAt?: Date;
  columns: { name: string; type: DuckDBType }[];
  /** Whether its result table still exists. */
  hasResults: boolean;
  done: Promise<void>;
  abort: AbortController;
}

export class JobNotFoundError extends Error {
  override name = 'JobNotFoundError';
}

export class JobResultsError extends Error {
  override name = 'JobResultsError';
}

export const MAX_RESULTS_LIMIT = 500;

const resultTable = (id: string) => `lq_results."${id}"`;

export class JobManager {
  private readonly jobs = new Map<string, Job>();

  constructor(
    private readonly service: QueryService,
    private readonly duckdb: LakeDuckDb,
    /** Finished jobs whose results are kept; older ones are forgotten. */
    private readonly retain = 100,
    private readonly log: (line: string) => void = () => {},
  ) {}

  submit(sql: string, context: string[] = [], queryType = 'REST'): Job {
    const job: Job = {
      id: randomUUID(),
      sql,
      context,
      queryType,
      state: 'QUEUED',
      rowCount: 0,
      errorMessage: '',
      cancellationReason: '',
      submittedAt: new Date(),
      columns: [],
      hasResults: false,
      abort: new AbortController(),
      done: Promise.resolve(),
    };
    this.jobs.set(job.id, job);
    job.done = this.execute(job);
    return job;
  }

  get(id: string): Job {
    const job = this.jobs.get(id);
    if (!job) throw new JobNotFoundError(`Could not find a job with id [${id}]`);
    return job;
  }

  /** Requests cancellation; false when the job had already finished. */
  cancel(id: string): boolean {
    const job = this.get(id);
    if (job.state !== 'QUEUED' && job.state !== 'RUNNING') return false;
    job.abort.abort(new Error('Query cancelled by user'));
    return true;
  }

  /** One page of a completed job's rows as Dremio's JSON, written as text so exact numbers stay exact. */
  async resultsJson(id: string, offset: number, limit: number): Promise<string> {
    const job = this.get(id);
    if (job.state !== 'COMPLETED') throw new JobResultsError(`Can not fetch details for a job that is in [${job.state}] state.`);
    if (!job.hasResults) throw new JobResultsError(`The results of job [${id}] are no longer kept; run the query again.`);
    const connection = await this.duckdb.connect();
    try {
      const reader = await connection.runAndReadAll(`SELECT * FROM ${resultTable(id)} LIMIT ${limit} OFFSET ${offset}`);
      const writers = job.columns.map((c) => jsonWriter(c.type));
      const keys = job.columns.map((c) => JSON.stringify(c.name));
      const rows = reader.getRowsJson().map((row) => `{${row.map((value, i) => `${keys[i]}:${writers[i](value)}`).join(',')}}`);
      const schema = job.columns.map((c) => ({ name: c.name, type: dremioType(c.type.toString()) }));
      return `{"rowCount":${job.rowCount},"schema":${JSON.stringify(schema)},"rows":[${rows.join(',')}]}`;
    } finally {
      connection.closeSync();
    }
  }

  /** Cancels what runs and drops every result table. */
  async close(): Promise<void> {
    for (const job of this.jobs.values()) job.abort.abort(new Error('the query service is stopping'));
    await Promise.all([...this.jobs.values()].map((j) => j.done));
    for (const job of this.jobs.values()) await this.dropResults(job);
  }

  private async execute(job: Job): Promise<void> {
    const table = resultTable(job.id);
    try {
      const { columns, rowCount } = await this.service.run(
        job.sql,
        {
          context: job.context,
          signal: job.abort.signal,
          onStart: () => {
            job.state = 'RUNNING';
            job.startedAt = new Date();
          },
        },
        async ({ connection, sql }) => {
          await connection.run(`CREATE TABLE ${table} AS ${withoutTrailingSemicolons(sql)}\n`);
          job.hasResults = true;
          const reader = await connection.runAndReadAll(`SELECT * FROM ${table} LIMIT 0`);
          const count = await connection.runAndReadAll(`SELECT count(*) FROM ${table}`);
          const names = reader.columnNames();
          return { columns: reader.columnTypes().map((type, i) => ({ name: names[i], type })), rowCount: Number(count.getRows()[0][0]) };
        },
      );
      job.columns = columns;
      job.rowCount = rowCount;
      job.state = 'COMPLETED';
    } catch (error) {
      await this.dropResults(job);
      job.startedAt ??= new Date();
      if (error instanceof QueryCanceledError) {
        job.state = 'CANCELED';
        job.cancellationReason = error.message;
      } else {
        job.state = 'FAILED';
        job.errorMessage = errorMessage(error);
      }
    } finally {
      job.endedAt = new Date();
      this.log(`job ${job.id} ${job.state}${job.state === 'COMPLETED' ? ` (${job.rowCount} rows)` : ''} in ${job.endedAt.getTime() - job.submittedAt.getTime()} ms`);
      await this.forgetOldJobs();
    }
  }

  private async forgetOldJobs(): Promise<void> {
    const finished = [...this.jobs.values()].filter((j) => j.endedAt);
    for (const job of finished.slice(0, Math.max(0, finished.length - this.retain))) {
      await this.dropResults(job);
      this.jobs.delete(job.id);
    }
  }

  private async dropResults(job: Job): Promise<void> {
    if (!job.hasResults) return;
    job.hasResults = false;
    await this.duckdb.runAdmin(`DROP TABLE IF EXISTS ${resultTable(job.id)}`).catch(() => undefined);
  }
}

/** DuckDB's message without its caret diagram, one readable paragraph. */
export function errorMessage(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/\n\s*LINE \d+:[\s\S]*$/, '').trim();
}
