// Seed files (config/seeds/*.yaml): the workspace, sources, destinations and connections
// to create or update by name. Parsed, checked and `${env:...}`-interpolated here; the
// seeder only sees well-formed values.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { interpolateDeep, type Env } from './interpolate';

export interface SeedActor {
  name: string;
  /** Connector definition: its id, docker repository (`airbyte/source-postgres`) or name. */
  definition: string;
  configuration: Record<string, unknown>;
}

export interface SeedWorkspace {
  name: string;
  slug?: string;
  email?: string;
}

export interface SeedStream {
  name: string;
  namespace?: string;
  syncMode: 'full_refresh' | 'incremental';
  destinationSyncMode: 'append' | 'overwrite' | 'append_dedup';
  cursorField?: string[];
  primaryKey?: string[][];
}

export interface SeedConnection {
  name: string;
  /** Source and destination by name. */
  source: string;
  destination: string;
  streams: SeedStream[];
  /** Passed to connections/create|update as they are (schedule, namespaceDefinition, ...). */
  settings: Record<string, unknown>;
}

/** A source of the query service's Dremio catalog (`POST /api/v3/catalog`, entityType source). */
export interface SeedDremioSource {
  name: string;
  type: string;
  config: Record<string, unknown>;
}

export interface SeedFile {
  file: string;
  /** Found by slug when given (`default`: the workspace requests without workspaceId use), else by name. */
  workspace?: SeedWorkspace;
  sources: SeedActor[];
  destinations: SeedActor[];
  connections: SeedConnection[];
  dremioSources: SeedDremioSource[];
}

export class SeedFileError extends Error {
  override name = 'SeedFileError';
}

const SYNC_MODES = ['full_refresh', 'incremental'];
const DESTINATION_SYNC_MODES = ['append', 'overwrite', 'append_dedup'];

export function readSeedFile(file: string, env: Env): SeedFile {
  const name = path.basename(file);
  const raw = interpolateDeep(parse(readFileSync(file, 'utf8')) ?? {}, env, name) as Record<string, any>;
  const at = (where: string) => `${name}: ${where}`;
  return {
    file,
    workspace: raw.workspace === undefined ? undefined : workspace(raw.workspace, at('workspace')),
    sources: list(raw.sources, at('sources')).map((item, i) => actor(item, at(`sources[${i}]`))),
    destinations: list(raw.destinations, at('destinations')).map((item, i) => actor(item, at(`destinations[${i}]`))),
    connections: list(raw.connections, at('connections')).map((item, i) => connection(item, at(`connections[${i}]`))),
    dremioSources: list(raw.dremio_sources, at('dremio_sources')).map((item, i) => dremioSource(item, at(`dremio_sources[${i}]`))),
  };
}

function workspace(raw: any, where: string): SeedWorkspace {
  return {
    name: text(raw?.name, `${where}.name`),
    slug: raw.slug === undefined ? undefined : text(raw.slug, `${where}.slug`),
    email: raw.email === undefined ? undefined : text(raw.email, `${where}.email`),
  };
}

function actor(raw: any, where: string): SeedActor {
  if (typeof raw?.configuration !== 'object' || raw.configuration === null) throw new SeedFileError(`${where}.configuration must be a mapping`);
  return { name: text(raw.name, `${where}.name`), definition: text(raw.definition, `${where}.definition`), configuration: raw.configuration };
}

function dremioSource(raw: any, where: string): SeedDremioSource {
  if (typeof raw?.config !== 'object' || raw.config === null) throw new SeedFileError(`${where}.config must be a mapping`);
  return { name: text(raw.name, `${where}.name`), type: text(raw.type, `${where}.type`), config: raw.config };
}

function connection(raw: any, where: string): SeedConnection {
  const { name, source, destination, streams, ...settings } = raw ?? {};
  return {
    name: text(name, `${where}.name`),
    source: text(source, `${where}.source`),
    destination: text(destination, `${where}.destination`),
    streams: list(streams, `${where}.streams`).map((s, i) => stream(s, `${where}.streams[${i}]`)),
    settings,
  };
}

function stream(raw: any, where: string): SeedStream {
  const syncMode = oneOf(raw?.syncMode, SYNC_MODES, `${where}.syncMode`) as SeedStream['syncMode'];
  const destinationSyncMode = oneOf(raw?.destinationSyncMode, DESTINATION_SYNC_MODES, `${where}.destinationSyncMode`) as SeedStream['destinationSyncMode'];
  return {
    name: text(raw.name, `${where}.name`),
    namespace: raw.namespace === undefined ? undefined : text(raw.namespace, `${where}.namespace`),
    syncMode,
    destinationSyncMode,
    cursorField: raw.cursorField === undefined ? undefined : fieldPath(raw.cursorField, `${where}.cursorField`),
    primaryKey: raw.primaryKey === undefined ? undefined : primaryKey(raw.primaryKey, `${where}.primaryKey`),
  };
}

/** `updated_at` or `[updated_at]` (a path into the record). */
function fieldPath(raw: unknown, where: string): string[] {
  if (typeof raw === 'string') return [raw];
  if (Array.isArray(raw) && raw.length > 0 && raw.every((p) => typeof p === 'string')) return raw;
  throw new SeedFileError(`${where} must be a field name or a list of path segments`);
}

/** `id`, `[id, region]` (a composite key of columns) or Airbyte's `[[id], [region]]`. */
function primaryKey(raw: unknown, where: string): string[][] {
  if (typeof raw === 'string') return [[raw]];
  if (Array.isArray(raw) && raw.length > 0) return raw.map((part, i) => (typeof part === 'string' ? [part] : fieldPath(part, `${where}[${i}]`)));
  throw new SeedFileError(`${where} must be a column name, a list of columns or a list of field paths`);
}

function list(raw: unknown, where: string): any[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw new SeedFileError(`${where} must be a list`);
  return raw;
}

function text(raw: unknown, where: string): string {
  if (typeof raw !== 'string' || raw === '') throw new SeedFileError(`${where} must be a non-empty string`);
  return raw;
}

function oneOf(raw: unknown, allowed: string[], where: string): string {
  if (typeof raw !== 'string' || !allowed.includes(raw)) throw new SeedFileError(`${where} must be one of ${allowed.join(', ')} (got ${String(raw)})`);
  return raw;
}
