// Catalog entities in the shapes of Dremio's REST API v3 (/api/v3/catalog…).
import type { Catalog, CatalogNode, ChildEntry } from '../catalog/catalog';
import { EXISTING_VALUE } from '../catalog/sources';
import type { QueryService } from '../engine/query-service';
import { dremioType } from '../engine/types';
import type { SourceRecord, SpaceRecord, ViewRecord } from '../store/catalog-store';

/** Lake entries have no stored id: like Dremio, their id is their path. */
export const pathId = (path: string[]): string => `dremio:/${path.map(encodeURIComponent).join('/')}`;
export const pathOfId = (id: string): string[] | undefined =>
  id.startsWith('dremio:/') ? id.slice('dremio:/'.length).split('/').filter(Boolean).map(decodeURIComponent) : undefined;

export function rootJson(catalog: Catalog): unknown {
  return {
    data: [
      ...catalog.listSources().map((s) => ({ id: s.id, path: [s.name], tag: s.tag, type: 'CONTAINER', containerType: 'SOURCE', createdAt: s.createdAt.toISOString() })),
      ...catalog.listSpaces().map((s) => ({ id: s.id, path: [s.name], tag: s.tag, type: 'CONTAINER', containerType: 'SPACE', createdAt: s.createdAt.toISOString() })),
      ...catalog.listViews().filter((v) => v.path.length === 1).map((v) => ({ id: v.id, path: v.path, tag: v.tag, type: 'DATASET', datasetType: 'VIRTUAL', createdAt: v.createdAt.toISOString() })),
    ],
  };
}

export function sourceJson(source: SourceRecord, children?: unknown[]): Record<string, unknown> {
  return {
    entityType: 'source',
    id: source.id,
    tag: source.tag,
    type: source.type,
    name: source.name,
    createdAt: source.createdAt.toISOString(),
    config: { ...source.config, accessSecret: EXISTING_VALUE },
    ...(children ? { children } : {}),
  };
}

export function spaceJson(space: SpaceRecord, children?: unknown[]): Record<string, unknown> {
  return { entityType: 'space', id: space.id, name: space.name, tag: space.tag, createdAt: space.createdAt.toISOString(), ...(children ? { children } : {}) };
}

function childJson(child: ChildEntry, catalog: Catalog): unknown {
  if (child.kind === 'view') {
    const view = catalog.findView(child.path)!;
    return { id: view.id, path: view.path, tag: view.tag, type: 'DATASET', datasetType: 'VIRTUAL', createdAt: view.createdAt.toISOString() };
  }
  if (child.kind === 'dataset') return { id: pathId(child.path), path: child.path, type: 'DATASET', datasetType: 'PROMOTED' };
  if (child.kind === 'file') return { id: pathId(child.path), path: child.path, type: 'FILE' };
  return { id: pathId(child.path), path: child.path, type: 'CONTAINER', containerType: 'FOLDER' };
}

export async function nodeJson(node: CatalogNode, service: QueryService): Promise<unknown> {
  const catalog = service.catalog;
  const children = async () => Promise.all((await catalog.children(node)).map((c) => childJson(c, catalog)));
  switch (node.kind) {
    case 'source':
      return sourceJson(node.source, await children());
    case 'space':
      return spaceJson(node.space, await children());
    case 'folder':
      return { entityType: 'folder', id: pathId(node.path), path: node.path, children: await children() };
    case 'dataset': {
      const fields = await service.describe({ kind: 'dataset', source: node.source, path: node.path, files: node.files });
      const formats = [...new Set(node.files.map((f) => f.format))];
      return {
        entityType: 'dataset',
        id: pathId(node.path),
        type: 'PHYSICAL_DATASET',
        path: node.path,
        fields: fields.map((f) => ({ name: f.name, type: dremioType(f.type) })),
        format: { type: formats.length === 1 ? { parquet: 'Parquet', csv: 'Text', json: 'JSON' }[formats[0]] : 'Mixed' },
      };
    }
    case 'view':
      return viewJson(node.view, service);
  }
}

export async function viewJson(view: ViewRecord, service: QueryService): Promise<unknown> {
  const fields = await service.describe({ kind: 'view', view }).catch(() => []);
  return {
    entityType: 'dataset',
    id: view.id,
    type: 'VIRTUAL_DATASET',
    path: view.path,
    tag: view.tag,
    createdAt: view.createdAt.toISOString(),
    sql: view.sql,
    sqlContext: view.context,
    fields: fields.map((f) => ({ name: f.name, type: dremioType(f.type) })),
  };
}
