// Airbyte's CatalogDiff: what a fresh discovery changed against a connection's saved catalog
// (streams added or removed; fields added, removed or retyped, nested object fields by their
// path; the source-defined primary key). A change is breaking when a selected stream loses a
// field it cannot sync without: its cursor (incremental) or a primary key column (deduped).
import type { AirbyteCatalog as ProtocolCatalog } from '@platform/protocol';
import type { ApiSchemas } from '../schemas/api-schemas';
import { streamKey, toApiStream } from './catalog';

export type CatalogDiff = ApiSchemas['CatalogDiff'];
type StreamTransform = ApiSchemas['StreamTransform'];
type FieldTransform = ApiSchemas['FieldTransform'];
type ApiCatalog = ApiSchemas['AirbyteCatalog'];
type ApiStreamConfig = ApiSchemas['AirbyteStreamConfiguration'];
type JsonSchema = Record<string, unknown>;

/** Every field of a stream schema by its path; an object with properties also lists its own fields. */
function fieldsOf(schema: unknown, prefix: string[] = [], into = new Map<string, { path: string[]; schema: JsonSchema }>()) {
  const properties = (schema as { properties?: Record<string, JsonSchema> } | undefined)?.properties;
  if (!properties || typeof properties !== 'object') return into;
  for (const [name, fieldSchema] of Object.entries(properties)) {
    const path = [...prefix, name];
    into.set(JSON.stringify(path), { path, schema: fieldSchema ?? {} });
    fieldsOf(fieldSchema, path, into);
  }
  return into;
}

/** A field's own schema, without its nested fields (they are compared on their own). */
function ownSchema(schema: JsonSchema): string {
  const { properties: _nested, ...own } = schema;
  return canonical(own);
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

const samePath = (a: string[], b: string[]) => a.length === b.length && a.every((part, i) => part === b[i]);

/** The fields a selected stream cannot sync without, as its configuration uses them. */
export function requiredFields(config: ApiStreamConfig, stream: ApiSchemas['AirbyteStream']): string[][] {
  if (config.selected === false) return [];
  const fields: string[][] = [];
  if (config.syncMode === 'incremental') {
    const cursor = stream.sourceDefinedCursor && stream.defaultCursorField?.length ? stream.defaultCursorField : (config.cursorField ?? []);
    if (cursor.length) fields.push(cursor);
  }
  if (config.destinationSyncMode === 'append_dedup') {
    fields.push(...(config.primaryKey?.length ? config.primaryKey : (stream.sourceDefinedPrimaryKey ?? [])));
  }
  return fields;
}

function fieldTransforms(saved: ApiCatalog['streams'][number], discovered: ApiSchemas['AirbyteStream']): FieldTransform[] {
  const before = fieldsOf(saved.stream.jsonSchema);
  const after = fieldsOf(discovered.jsonSchema);
  const required = requiredFields(saved.config, saved.stream);
  const transforms: FieldTransform[] = [];
  for (const [key, { path, schema }] of after) {
    const old = before.get(key);
    if (!old) transforms.push({ transformType: 'add_field', fieldName: path, breaking: false, addField: { schema } });
    else if (ownSchema(old.schema) !== ownSchema(schema)) {
      transforms.push({ transformType: 'update_field_schema', fieldName: path, breaking: false, updateFieldSchema: { oldSchema: old.schema, newSchema: schema } });
    }
  }
  for (const [key, { path, schema }] of before) {
    if (after.has(key)) continue;
    const breaking = required.some((needed) => samePath(needed, path));
    transforms.push({ transformType: 'remove_field', fieldName: path, breaking, removeField: { schema } });
  }
  return transforms;
}

/** The diff of a discovered catalog against a connection's saved sync catalog. */
export function diffCatalogs(saved: ApiCatalog, discovered: ProtocolCatalog): CatalogDiff {
  const fresh = new Map(discovered.streams.map((s) => [streamKey(s), toApiStream(s)]));
  const savedKeys = new Set(saved.streams.map((s) => streamKey(s.stream)));
  const transforms: StreamTransform[] = [];
  for (const entry of saved.streams) {
    const descriptor = { name: entry.stream.name, namespace: entry.stream.namespace ?? null };
    const found = fresh.get(streamKey(entry.stream));
    if (!found) {
      transforms.push({ transformType: 'remove_stream', streamDescriptor: descriptor });
      continue;
    }
    const fields = fieldTransforms(entry, found);
    const oldKey = entry.stream.sourceDefinedPrimaryKey ?? [];
    const newKey = found.sourceDefinedPrimaryKey ?? [];
    const attributes: ApiSchemas['StreamAttributeTransform'][] =
      canonical(oldKey) === canonical(newKey) ? [] : [{ transformType: 'update_primary_key', breaking: false, updatePrimaryKey: { oldPrimaryKey: oldKey, newPrimaryKey: newKey } }];
    if (fields.length || attributes.length) {
      transforms.push({ transformType: 'update_stream', streamDescriptor: descriptor, updateStream: { fieldTransforms: fields, streamAttributeTransforms: attributes } });
    }
  }
  for (const [key, stream] of fresh) {
    if (!savedKeys.has(key)) transforms.push({ transformType: 'add_stream', streamDescriptor: { name: stream.name, namespace: stream.namespace ?? null } });
  }
  return { transforms };
}

/** True when a transform removes a field a selected stream needs. */
export function isBreaking(diff: CatalogDiff): boolean {
  return diff.transforms.some((t) => t.updateStream?.fieldTransforms.some((f) => f.breaking) || t.updateStream?.streamAttributeTransforms.some((a) => a.breaking));
}

export function schemaChangeOf(diff: CatalogDiff): ApiSchemas['SchemaChange'] {
  if (diff.transforms.length === 0) return 'no_change';
  return isBreaking(diff) ? 'breaking' : 'non_breaking';
}

const streamName = (d: ApiSchemas['StreamDescriptor']) => (d.namespace ? `${d.namespace}.${d.name}` : d.name);

/** One line per change, for attempt logs and reasons: "public.orders: field created_at removed (breaking)". */
export function describeDiff(diff: CatalogDiff): string[] {
  return diff.transforms.flatMap((t) => {
    const stream = streamName(t.streamDescriptor);
    if (t.transformType === 'add_stream') return [`stream ${stream} added`];
    if (t.transformType === 'remove_stream') return [`stream ${stream} removed`];
    const fields = (t.updateStream?.fieldTransforms ?? []).map((f) => {
      const what = { add_field: 'added', remove_field: 'removed', update_field_schema: 'changed type' }[f.transformType];
      return `${stream}: field ${f.fieldName.join('.')} ${what}${f.breaking ? ' (breaking: the stream needs it as its cursor or primary key)' : ''}`;
    });
    const keys = (t.updateStream?.streamAttributeTransforms ?? []).map((a) => `${stream}: source-defined primary key changed`);
    return [...fields, ...keys];
  });
}
