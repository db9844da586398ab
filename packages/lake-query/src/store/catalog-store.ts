// Sources, spaces and views in Postgres (schema lake_query). Names are unique ignoring case.
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { pathKey } from '../catalog/names';
import type { S3SourceConfig } from '../catalog/sources';
import { seal, unseal } from './sealed';

export interface SourceRecord {
  id: string;
  name: string;
  type: 'S3';
  config: S3SourceConfig;
  tag: string;
  createdAt: Date;
}

export interface SpaceRecord {
  id: string;
  name: string;
  tag: string;
  createdAt: Date;
}

export interface ViewRecord {
  id: string;
  path: string[];
  sql: string;
  context: string[];
  tag: string;
  createdAt: Date;
}

export class CatalogStore {
  constructor(private readonly pool: pg.Pool, private readonly key: Buffer) {}

  async sources(): Promise<SourceRecord[]> {
    const { rows } = await this.pool.query('SELECT * FROM lake_query.sources ORDER BY created_at, name');
    return rows.map((row) => this.sourceOf(row));
  }

  async createSource(name: string, config: S3SourceConfig): Promise<SourceRecord> {
    const { rows } = await this.pool.query(
      'INSERT INTO lake_query.sources (id, name, type, config, tag) VALUES ($1, $2, $3, $4, $5) RETURNING *',
      [randomUUID(), name, 'S3', this.sealConfig(config), randomUUID()],
    );
    return this.sourceOf(rows[0]);
  }

  async updateSource(id: string, name: string, config: S3SourceConfig): Promise<SourceRecord | undefined> {
    const { rows } = await this.pool.query('UPDATE lake_query.sources SET name = $2, config = $3, tag = $4 WHERE id = $1 RETURNING *', [
      id,
      name,
      this.sealConfig(config),
      randomUUID(),
    ]);
    return rows[0] && this.sourceOf(rows[0]);
  }

  async spaces(): Promise<SpaceRecord[]> {
    const { rows } = await this.pool.query('SELECT * FROM lake_query.spaces ORDER BY created_at, name');
    return rows.map(spaceOf);
  }

  async createSpace(name: string): Promise<SpaceRecord> {
    const { rows } = await this.pool.query('INSERT INTO lake_query.spaces (id, name, tag) VALUES ($1, $2, $3) RETURNING *', [randomUUID(), name, randomUUID()]);
    return spaceOf(rows[0]);
  }

  async views(): Promise<ViewRecord[]> {
    const { rows } = await this.pool.query('SELECT * FROM lake_query.views ORDER BY created_at, path_key');
    return rows.map(viewOf);
  }

  /** Creates the view, or replaces the one at `path` when `replace`; undefined when it exists and may not be replaced. */
  async saveView(path: string[], sql: string, context: string[], replace: boolean): Promise<{ view: ViewRecord; created: boolean } | undefined> {
    const { rows } = await this.pool.query(
      `INSERT INTO lake_query.views (id, path, path_key, sql, context, tag) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (path_key) DO ${replace ? 'UPDATE SET path = EXCLUDED.path, sql = EXCLUDED.sql, context = EXCLUDED.context, tag = EXCLUDED.tag, updated_at = now()' : 'NOTHING'}
       RETURNING *, (xmax = 0) AS created`,
      [randomUUID(), path, pathKey(path), sql, context, randomUUID()],
    );
    return rows[0] && { view: viewOf(rows[0]), created: rows[0].created };
  }

  /** Deletes a source, space or view by id; false when there is none. Views in a deleted space go with it. */
  async delete(id: string): Promise<boolean> {
    for (const table of ['sources', 'views']) {
      const { rowCount } = await this.pool.query(`DELETE FROM lake_query.${table} WHERE id = $1`, [id]);
      if (rowCount) return true;
    }
    const { rows } = await this.pool.query('DELETE FROM lake_query.spaces WHERE id = $1 RETURNING name', [id]);
    if (!rows[0]) return false;
    await this.pool.query('DELETE FROM lake_query.views WHERE lower(path[1]) = lower($1) AND cardinality(path) > 1', [rows[0].name]);
    return true;
  }

  private sealConfig(config: S3SourceConfig): S3SourceConfig {
    return { ...config, accessSecret: seal(this.key, config.accessSecret) };
  }

  private sourceOf(row: any): SourceRecord {
    return { id: row.id, name: row.name, type: row.type, config: { ...row.config, accessSecret: unseal(this.key, row.config.accessSecret) }, tag: row.tag, createdAt: row.created_at };
  }
}

const spaceOf = (row: any): SpaceRecord => ({ id: row.id, name: row.name, tag: row.tag, createdAt: row.created_at });
const viewOf = (row: any): ViewRecord => ({ id: row.id, path: row.path, sql: row.sql, context: row.context, tag: row.tag, createdAt: row.created_at });
