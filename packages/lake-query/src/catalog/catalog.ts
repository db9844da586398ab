// The catalog as Dremio shows it: sources (S3, browsed live), spaces and views (stored), and
// the resolution of a query's table names to DuckDB relations.
import type { CatalogStore, SourceRecord, SpaceRecord, ViewRecord } from '../store/catalog-store';
import type { LakeDuckDb } from '../engine/duckdb';
import { datasetSql } from './dataset-sql';
import { LakeSource, type DataFile, type LakeEntry } from './lake';
import { formatPath, pathKey, sameName, samePath } from './names';
import { InvalidSourceError, parseS3Config, s3Connection } from './sources';

export class CatalogError extends Error {
  override name = 'CatalogError';
  constructor(message: string, readonly status: 400 | 404 | 409 = 400) {
    super(message);
  }
}

/** What a table name in a query stands for. */
export type ResolvedName =
  | { kind: 'dataset'; source: SourceRecord; path: string[]; files: DataFile[] }
  | { kind: 'view'; view: ViewRecord }
  | { kind: 'information_schema'; table: string };

export type CatalogNode =
  | { kind: 'source'; source: SourceRecord; path: string[] }
  | { kind: 'space'; space: SpaceRecord; path: string[] }
  | { kind: 'folder'; path: string[]; source?: SourceRecord }
  | { kind: 'dataset'; path: string[]; source: SourceRecord; files: DataFile[] }
  | { kind: 'view'; path: string[]; view: ViewRecord };

export interface ChildEntry {
  path: string[];
  kind: 'folder' | 'dataset' | 'file' | 'view';
}

export const INFORMATION_SCHEMA_TABLES = ['CATALOGS', 'SCHEMATA', 'TABLES', 'VIEWS', 'COLUMNS'];

export class Catalog {
  private sources: SourceRecord[] = [];
  private spaces: SpaceRecord[] = [];
  private views: ViewRecord[] = [];
  private readonly lakes = new Map<string, LakeSource>();

  constructor(private readonly store: CatalogStore, private readonly duckdb: LakeDuckDb) {}

  /** Loads the stored catalog and gives DuckDB each source's credentials. */
  async load(): Promise<void> {
    [this.sources, this.spaces, this.views] = await Promise.all([this.store.sources(), this.store.spaces(), this.store.views()]);
    for (const source of this.sources) await this.connectSource(source);
  }

  close(): void {
    for (const lake of this.lakes.values()) lake.close();
  }

  listSources = (): SourceRecord[] => [...this.sources];
  listSpaces = (): SpaceRecord[] => [...this.spaces];
  listViews = (): ViewRecord[] => [...this.views];

  lake(source: SourceRecord): LakeSource {
    return this.lakes.get(source.id)!;
  }

  async createSource(name: unknown, type: unknown, rawConfig: unknown): Promise<SourceRecord> {
    const sourceName = this.checkRootName(name, 'source');
    if (type !== 'S3') throw new CatalogError(`source type "${String(type)}" is not supported; the query service reads S3 sources (type "S3")`);
    const config = parseConfig(rawConfig);
    const source = await this.store.createSource(sourceName, config);
    await this.connectSource(source);
    this.sources.push(source);
    return source;
  }

  async updateSource(id: string, name: unknown, rawConfig: unknown): Promise<SourceRecord> {
    const existing = this.sources.find((s) => s.id === id);
    if (!existing) throw new CatalogError(`no source with id ${id}`, 404);
    if (name !== undefined && name !== existing.name) throw new CatalogError('a source cannot be renamed; delete it and add it again');
    const updated = await this.store.updateSource(id, existing.name, parseConfig(rawConfig, existing.config.accessSecret));
    if (!updated) throw new CatalogError(`no source with id ${id}`, 404);
    await this.connectSource(updated);
    this.sources = this.sources.map((s) => (s.id === id ? updated : s));
    return updated;
  }

  async createSpace(name: unknown): Promise<SpaceRecord> {
    const space = await this.store.createSpace(this.checkRootName(name, 'space'));
    this.spaces.push(space);
    return space;
  }

  /** Stores a view after `validate` has checked its query. */
  async saveView(path: string[], sql: string, context: string[], replace: boolean): Promise<{ view: ViewRecord; created: boolean }> {
    if (path.length === 0 || path.some((p) => p === '')) throw new CatalogError('a view needs a name');
    if (path.length === 1 && this.rootNameTaken(path[0], ['source', 'space'])) throw new CatalogError(`"${path[0]}" is a source or space; choose another view name`, 409);
    if (path.length > 1 && !this.spaces.some((s) => sameName(s.name, path[0]))) {
      throw new CatalogError(
        `cannot create view ${formatPath(path)}: no space named "${path[0]}" (views live at the top level or in a space: POST /api/v3/catalog {"entityType": "space", "name": "${path[0]}"})`,
        404,
      );
    }
    const saved = await this.store.saveView(path, sql, context, replace);
    if (!saved) throw new CatalogError(`view ${formatPath(path)} already exists; use CREATE OR REPLACE VIEW to change it`, 409);
    this.views = [...this.views.filter((v) => v.id !== saved.view.id && pathKey(v.path) !== pathKey(path)), saved.view];
    return saved;
  }

  findView(path: string[]): ViewRecord | undefined {
    return this.views.find((v) => samePath(v.path, path));
  }

  async delete(id: string): Promise<void> {
    if (!(await this.store.delete(id))) throw new CatalogError(`no catalog entity with id ${id}`, 404);
    const source = this.sources.find((s) => s.id === id);
    if (source) {
      await this.duckdb.dropSourceSecret(id);
      this.lakes.get(id)?.close();
      this.lakes.delete(id);
    }
    // Deleting a space also deletes its views; reload what the store now holds.
    [this.sources, this.spaces, this.views] = await Promise.all([this.store.sources(), this.store.spaces(), this.store.views()]);
  }

  /** A query's table name: tried under the query's context first, then as written (Dremio's rule). */
  async resolveName(path: string[], context: string[] = []): Promise<ResolvedName | undefined> {
    const candidates = context.length ? [[...context, ...path], path] : [path];
    for (const candidate of candidates) {
      if (candidate.length === 2 && sameName(candidate[0], 'INFORMATION_SCHEMA')) {
        const table = INFORMATION_SCHEMA_TABLES.find((t) => sameName(t, candidate[1]));
        if (table) return { kind: 'information_schema', table };
      }
      const view = this.findView(candidate);
      if (view) return { kind: 'view', view };
      const source = this.sources.find((s) => sameName(s.name, candidate[0]));
      if (source && candidate.length > 1) {
        const found = await this.datasetIn(source, candidate.slice(1));
        if (found) return found;
      }
    }
    return undefined;
  }

  private async datasetIn(source: SourceRecord, path: string[]): Promise<ResolvedName | undefined> {
    try {
      const entry = await this.lake(source).resolve(path);
      if (!entry || entry.path.length === 0) return undefined;
      const files = await this.lake(source).dataFiles(entry);
      return files.length ? { kind: 'dataset', source, path: [source.name, ...entry.path], files } : undefined;
    } catch (error) {
      throw new CatalogError(`source ${source.name} cannot be read: S3 answered ${(error as Error).name}: ${(error as Error).message} (check the source's access key, secret and fs.s3a.endpoint)`);
    }
  }

  /** The node at a path (by-path), with the stored spelling of each part. */
  async nodeAt(path: string[]): Promise<CatalogNode | undefined> {
    if (path.length === 0) return undefined;
    const source = this.sources.find((s) => sameName(s.name, path[0]));
    if (source) {
      if (path.length === 1) return { kind: 'source', source, path: [source.name] };
      const entry: LakeEntry = await this.lake(source).resolve(path.slice(1));
      if (!entry) return undefined;
      const full = [source.name, ...entry.path];
      if (entry.kind === 'file') return { kind: 'dataset', path: full, source, files: await this.lake(source).dataFiles(entry) };
      const listing = await this.lake(source).list(entry.path);
      if (listing.files.length && entry.path.length > 1) return { kind: 'dataset', path: full, source, files: await this.lake(source).dataFiles(entry) };
      return { kind: 'folder', path: full, source };
    }
    const view = this.findView(path);
    if (view) return { kind: 'view', path: view.path, view };
    const space = this.spaces.find((s) => sameName(s.name, path[0]));
    if (!space) return undefined;
    if (path.length === 1) return { kind: 'space', space, path: [space.name] };
    const inside = this.views.filter((v) => v.path.length > path.length && samePath(v.path.slice(0, path.length), path));
    return inside.length ? { kind: 'folder', path: inside[0].path.slice(0, path.length) } : undefined;
  }

  /** What is directly inside a source, space or folder. */
  async children(node: CatalogNode): Promise<ChildEntry[]> {
    if (node.kind === 'source' || (node.kind === 'folder' && node.source)) {
      const source = node.kind === 'source' ? node.source : node.source!;
      const inner = node.path.slice(1);
      const listing = await this.lake(source).list(inner);
      const folders = await Promise.all(
        listing.folders.map(async (name): Promise<ChildEntry> => {
          const hasFiles = inner.length > 0 && (await this.lake(source).list([...inner, name])).files.length > 0;
          return { path: [...node.path, name], kind: hasFiles ? 'dataset' : 'folder' };
        }),
      );
      return [...folders, ...listing.files.map((name): ChildEntry => ({ path: [...node.path, name], kind: 'file' }))];
    }
    if (node.kind === 'space' || node.kind === 'folder') {
      const depth = node.path.length;
      const entries = new Map<string, ChildEntry>();
      for (const view of this.views) {
        if (view.path.length <= depth || !samePath(view.path.slice(0, depth), node.path)) continue;
        const child = view.path.slice(0, depth + 1);
        entries.set(pathKey(child), { path: child, kind: view.path.length === depth + 1 ? 'view' : 'folder' });
      }
      return [...entries.values()];
    }
    return [];
  }

  private async connectSource(source: SourceRecord): Promise<void> {
    await this.duckdb.setSourceSecret(source.id, s3Connection(source.config));
    this.lakes.get(source.id)?.close();
    this.lakes.set(source.id, new LakeSource(source.config));
  }

  /** Whether a top-level name is a source, space or view. */
  isRootName(name: string): boolean {
    return this.rootNameTaken(name, ['source', 'space', 'view']);
  }

  private checkRootName(name: unknown, kind: 'source' | 'space'): string {
    if (typeof name !== 'string' || !name.trim()) throw new CatalogError(`name: a ${kind} needs a name`);
    if (/[."\/]/.test(name)) throw new CatalogError(`name: "${name}" may not contain ".", '"' or "/"`);
    if (sameName(name, 'INFORMATION_SCHEMA') || sameName(name, 'sys')) throw new CatalogError(`name: "${name}" is reserved`);
    if (this.rootNameTaken(name, ['source', 'space', 'view'])) throw new CatalogError(`name: "${name}" is already used by a source, space or view`, 409);
    return name;
  }

  private rootNameTaken(name: string, kinds: ('source' | 'space' | 'view')[]): boolean {
    return (
      (kinds.includes('source') && this.sources.some((s) => sameName(s.name, name))) ||
      (kinds.includes('space') && this.spaces.some((s) => sameName(s.name, name))) ||
      (kinds.includes('view') && this.views.some((v) => v.path.length === 1 && sameName(v.path[0], name)))
    );
  }
}

function parseConfig(raw: unknown, existingSecret?: string) {
  try {
    return parseS3Config(raw, existingSecret);
  } catch (error) {
    if (error instanceof InvalidSourceError) throw new CatalogError(error.message);
    throw error;
  }
}

/** The DuckDB relation of a resolved dataset. */
export const relationOf = (resolved: Extract<ResolvedName, { kind: 'dataset' }>): string => datasetSql(resolved.files);
