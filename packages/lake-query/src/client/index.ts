// A typed client for the query service's Dremio REST API (it speaks to a real Dremio as well):
// login, SQL jobs and their results, and the catalog. No dependency on the service's code, nor
// on Node: the web UI's SQL page uses it in the browser.

export type JobState = 'NOT_SUBMITTED' | 'STARTING' | 'RUNNING' | 'COMPLETED' | 'CANCELED' | 'FAILED' | 'CANCELLATION_REQUESTED' | 'PLANNING' | 'PENDING' | 'METADATA_RETRIEVAL' | 'QUEUED' | 'ENGINE_START' | 'EXECUTION_PLANNING' | 'INVALID_STATE';

export interface JobStatus {
  jobState: JobState;
  rowCount: number;
  errorMessage: string;
  startedAt: string;
  endedAt?: string;
  queryType: string;
  cancellationReason: string;
}

export interface Field {
  name: string;
  type: { name: string; precision?: number; scale?: number };
}

export type Row = Record<string, unknown>;

export interface JobResults<R = Row> {
  rowCount: number;
  schema: Field[];
  rows: R[];
}

export interface CatalogChild {
  id: string;
  path: string[];
  type: 'CONTAINER' | 'DATASET' | 'FILE';
  containerType?: 'SOURCE' | 'SPACE' | 'FOLDER' | 'HOME';
  datasetType?: 'VIRTUAL' | 'PROMOTED' | 'DIRECT';
  tag?: string;
  createdAt?: string;
}

export interface CatalogEntity {
  entityType: 'source' | 'space' | 'folder' | 'dataset';
  id: string;
  name?: string;
  path?: string[];
  tag?: string;
  type?: string;
  config?: Record<string, unknown>;
  children?: CatalogChild[];
  fields?: Field[];
  sql?: string;
  sqlContext?: string[];
  createdAt?: string;
}

export interface S3SourceInput {
  entityType: 'source';
  name: string;
  type: 'S3';
  config: {
    accessKey: string;
    accessSecret: string;
    rootPath?: string;
    secure?: boolean;
    compatibilityMode?: boolean;
    whitelistedBuckets?: string[];
    propertyList?: { name: string; value: string }[];
  };
}

export class DremioApiError extends Error {
  override name = 'DremioApiError';
  constructor(readonly status: number, readonly operation: string, message: string) {
    super(`${operation}: HTTP ${status}: ${message}`);
  }
}

/** A query that ended FAILED or CANCELED; `message` is the service's errorMessage or cancellationReason. */
export class DremioQueryError extends Error {
  override name = 'DremioQueryError';
  constructor(readonly jobId: string, readonly jobState: JobState, message: string) {
    super(message);
  }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

const FINAL_STATES: JobState[] = ['COMPLETED', 'FAILED', 'CANCELED'];
export const MAX_PAGE_SIZE = 500;

export class DremioClient {
  private constructor(readonly baseUrl: string, private readonly token: string) {}

  /** POST /apiv2/login; the token goes on every later request. */
  static async login(baseUrl: string, userName: string, password: string): Promise<DremioClient> {
    const root = baseUrl.replace(/\/+$/, '');
    const body = await request<{ token: string }>('login', `${root}/apiv2/login`, { method: 'POST', body: JSON.stringify({ userName, password }) });
    return new DremioClient(root, body.token);
  }

  submitSql(sql: string, context?: string[]): Promise<{ id: string }> {
    return this.call('sql', 'POST', '/api/v3/sql', { sql, ...(context ? { context } : {}) });
  }

  job(id: string): Promise<JobStatus> {
    return this.call('job', 'GET', `/api/v3/job/${encodeURIComponent(id)}`);
  }

  results<R = Row>(id: string, { offset = 0, limit = 100 }: { offset?: number; limit?: number } = {}): Promise<JobResults<R>> {
    return this.call('job results', 'GET', `/api/v3/job/${encodeURIComponent(id)}/results?offset=${offset}&limit=${limit}`);
  }

  async cancel(id: string): Promise<void> {
    await this.call('job cancel', 'POST', `/api/v3/job/${encodeURIComponent(id)}/cancel`);
  }

  /** Polls until the job is COMPLETED, FAILED or CANCELED. */
  async waitForJob(id: string, { pollMs = 20, maxPollMs = 250 }: { pollMs?: number; maxPollMs?: number } = {}): Promise<JobStatus> {
    let delay = pollMs;
    for (;;) {
      const status = await this.job(id);
      if (FINAL_STATES.includes(status.jobState)) return status;
      await sleep(delay);
      delay = Math.min(Math.ceil(delay * 1.5), maxPollMs);
    }
  }

  /** Runs a statement and reads all its rows (pages of `pageSize`); FAILED or CANCELED throws DremioQueryError. */
  async query<R = Row>(sql: string, { context, pageSize = MAX_PAGE_SIZE }: { context?: string[]; pageSize?: number } = {}): Promise<JobResults<R> & { jobId: string }> {
    const { id } = await this.submitSql(sql, context);
    const status = await this.waitForJob(id);
    if (status.jobState !== 'COMPLETED') throw new DremioQueryError(id, status.jobState, status.errorMessage || status.cancellationReason || status.jobState);
    const first = await this.results<R>(id, { offset: 0, limit: pageSize });
    const rows = [...first.rows];
    while (rows.length < first.rowCount) rows.push(...(await this.results<R>(id, { offset: rows.length, limit: pageSize })).rows);
    return { jobId: id, rowCount: first.rowCount, schema: first.schema, rows };
  }

  catalog(): Promise<{ data: CatalogChild[] }> {
    return this.call('catalog', 'GET', '/api/v3/catalog');
  }

  catalogById(id: string): Promise<CatalogEntity> {
    return this.call('catalog by id', 'GET', `/api/v3/catalog/${encodeURIComponent(id)}`);
  }

  catalogByPath(path: string[]): Promise<CatalogEntity> {
    return this.call('catalog by path', 'GET', `/api/v3/catalog/by-path/${path.map(encodeURIComponent).join('/')}`);
  }

  createCatalogEntity(entity: S3SourceInput | { entityType: 'space'; name: string } | { entityType: 'dataset'; type: 'VIRTUAL_DATASET'; path: string[]; sql: string; sqlContext?: string[] }): Promise<CatalogEntity> {
    return this.call('catalog create', 'POST', '/api/v3/catalog', entity);
  }

  updateCatalogEntity(id: string, entity: S3SourceInput & { id?: string; tag?: string }): Promise<CatalogEntity> {
    return this.call('catalog update', 'PUT', `/api/v3/catalog/${encodeURIComponent(id)}`, entity);
  }

  async deleteCatalogEntity(id: string): Promise<void> {
    await this.call('catalog delete', 'DELETE', `/api/v3/catalog/${encodeURIComponent(id)}`);
  }

  private call<T>(operation: string, method: string, path: string, body?: unknown): Promise<T> {
    return request<T>(operation, `${this.baseUrl}${path}`, {
      method,
      headers: { authorization: `_dremio${this.token}` },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  }
}

async function request<T>(operation: string, url: string, init: { method: string; headers?: Record<string, string>; body?: string }): Promise<T> {
  const response = await fetch(url, { ...init, headers: { 'content-type': 'application/json', ...init.headers } });
  const text = await response.text();
  if (!response.ok) {
    let message = text;
    try {
      message = (JSON.parse(text) as { errorMessage?: string }).errorMessage ?? text;
    } catch {
      // not JSON: keep the text
    }
    throw new DremioApiError(response.status, operation, message);
  }
  return (text ? JSON.parse(text) : undefined) as T;
}
