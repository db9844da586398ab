import type { AirbyteCatalog } from '@platform/protocol';
import { describe, expect, it } from 'vitest';
import type { ApiSchemas } from '../schemas/api-schemas';
import { toApiStream } from './catalog';
import { describeDiff, diffCatalogs, isBreaking, schemaChangeOf } from './catalog-diff';
import { propagateChanges } from './schema-changes';

const customers = (properties: Record<string, unknown>, primaryKey = [['id']]) => ({
  name: 'customers',
  namespace: 'public',
  json_schema: { type: 'object', properties },
  supported_sync_modes: ['full_refresh', 'incremental'] as const,
  source_defined_primary_key: primaryKey,
});

const BEFORE = {
  id: { type: 'integer' },
  email: { type: 'string' },
  score: { type: 'integer' },
  updated_at: { type: 'string', format: 'date-time' },
  address: { type: 'object', properties: { city: { type: 'string' } } },
};

function saved(config: Partial<ApiSchemas['AirbyteStreamConfiguration']>): ApiSchemas['AirbyteCatalog'] {
  const stream = toApiStream({ ...customers(BEFORE), supported_sync_modes: ['full_refresh', 'incremental'] });
  return {
    streams: [
      { stream, config: { syncMode: 'incremental', destinationSyncMode: 'append_dedup', cursorField: ['updated_at'], primaryKey: [['id']], selected: true, ...config } },
      { stream: { ...toApiStream({ ...customers({ id: { type: 'integer' } }), supported_sync_modes: ['full_refresh'] }), name: 'orders' }, config: { syncMode: 'full_refresh', destinationSyncMode: 'overwrite', selected: false } },
    ],
  };
}

const discovered = (properties: Record<string, unknown>): AirbyteCatalog => ({
  streams: [
    { ...customers(properties), supported_sync_modes: ['full_refresh', 'incremental'] },
    { ...customers({ id: { type: 'integer' } }), name: 'invoices', supported_sync_modes: ['full_refresh'] },
  ],
});

describe('diffCatalogs', () => {
  it("names added, removed and retyped fields (nested too), added and removed streams, in Airbyte's shape", () => {
    const { email: _email, ...rest } = BEFORE;
    const after = { ...rest, score: { type: 'string' }, phone: { type: 'string' }, address: { type: 'object', properties: { city: { type: 'string' }, zip: { type: 'string' } } } };
    const diff = diffCatalogs(saved({}), discovered(after));
    expect(diff.transforms).toEqual([
      {
        transformType: 'update_stream',
        streamDescriptor: { name: 'customers', namespace: 'public' },
        updateStream: {
          fieldTransforms: [
            { transformType: 'update_field_schema', fieldName: ['score'], breaking: false, updateFieldSchema: { oldSchema: { type: 'integer' }, newSchema: { type: 'string' } } },
            { transformType: 'add_field', fieldName: ['address', 'zip'], breaking: false, addField: { schema: { type: 'string' } } },
            { transformType: 'add_field', fieldName: ['phone'], breaking: false, addField: { schema: { type: 'string' } } },
            { transformType: 'remove_field', fieldName: ['email'], breaking: false, removeField: { schema: { type: 'string' } } },
          ],
          streamAttributeTransforms: [],
        },
      },
      { transformType: 'remove_stream', streamDescriptor: { name: 'orders', namespace: 'public' } },
      { transformType: 'add_stream', streamDescriptor: { name: 'invoices', namespace: 'public' } },
    ]);
    expect(isBreaking(diff)).toBe(false);
    expect(schemaChangeOf(diff)).toBe('non_breaking');
  });

  it('is empty when nothing changed', () => {
    const same: AirbyteCatalog = { streams: [{ ...customers(BEFORE), supported_sync_modes: ['full_refresh', 'incremental'] }, { ...customers({ id: { type: 'integer' } }), name: 'orders', supported_sync_modes: ['full_refresh'] }] };
    expect(diffCatalogs(saved({}), same)).toEqual({ transforms: [] });
    expect(schemaChangeOf({ transforms: [] })).toBe('no_change');
  });

  it('is breaking when a selected stream loses its incremental cursor or a deduplication key field, not otherwise', () => {
    const { updated_at: _cursor, ...withoutCursor } = BEFORE;
    const { id: _id, ...withoutKey } = BEFORE;
    expect(isBreaking(diffCatalogs(saved({}), discovered(withoutCursor)))).toBe(true);
    expect(describeDiff(diffCatalogs(saved({}), discovered(withoutCursor)))).toContain('public.customers: field updated_at removed (breaking: the stream needs it as its cursor or primary key)');
    expect(isBreaking(diffCatalogs(saved({}), discovered(withoutKey)))).toBe(true);
    // The same fields are not needed by a full refresh, by append (no key), or by an unselected stream.
    expect(isBreaking(diffCatalogs(saved({ syncMode: 'full_refresh', destinationSyncMode: 'overwrite' }), discovered(withoutCursor)))).toBe(false);
    expect(isBreaking(diffCatalogs(saved({ destinationSyncMode: 'append' }), discovered(withoutKey)))).toBe(false);
    expect(isBreaking(diffCatalogs(saved({ selected: false }), discovered(withoutCursor)))).toBe(false);
  });
});

describe('propagateChanges', () => {
  const after = { ...BEFORE, phone: { type: 'string' } };

  it('propagate_columns: saved streams take their new schema and keep their configuration; streams are neither added nor removed', () => {
    const catalog = propagateChanges(saved({}), discovered(after), false, ['overwrite', 'append', 'append_dedup']);
    expect(catalog.streams.map((s) => s.stream.name)).toEqual(['customers', 'orders']);
    expect(catalog.streams[0].stream.jsonSchema).toEqual({ type: 'object', properties: after });
    expect(catalog.streams[0].config).toEqual(saved({}).streams[0].config);
  });

  it('propagate_fully: also adds new streams, selected with the destination\'s default modes, and drops gone ones', () => {
    const catalog = propagateChanges(saved({}), discovered(after), true, ['overwrite', 'append']);
    expect(catalog.streams.map((s) => s.stream.name)).toEqual(['customers', 'invoices']);
    expect(catalog.streams[1].config).toMatchObject({ selected: true, syncMode: 'full_refresh', destinationSyncMode: 'overwrite' });
  });
});
