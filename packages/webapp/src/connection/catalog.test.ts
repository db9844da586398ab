// The Schema tab's rules: default modes for a discovered stream, the differences a refreshed
// schema brings, and how a refresh keeps the saved configuration.
import { describe, expect, it } from 'vitest';
import type { Schemas } from '../api/client';
import { defaultConfig, diffCatalogs, mergeRefreshed, streamProblems } from './catalog';

const stream = (name: string, fields: string[], extra: Partial<Schemas['AirbyteStream']> = {}): Schemas['AirbyteStream'] => ({
  name,
  namespace: 'public',
  jsonSchema: { type: 'object', properties: Object.fromEntries(fields.map((f) => [f, { type: 'string' }])) },
  supportedSyncModes: ['full_refresh', 'incremental'],
  ...extra,
});

describe('default sync modes', () => {
  it('suggests incremental dedup when the stream has a cursor and a key and the destination dedups', () => {
    const s = stream('orders', ['id', 'updated_at'], { defaultCursorField: ['updated_at'], sourceDefinedPrimaryKey: [['id']] });
    expect(defaultConfig(s, ['overwrite', 'append', 'append_dedup'])).toMatchObject({ syncMode: 'incremental', destinationSyncMode: 'append_dedup', cursorField: ['updated_at'], primaryKey: [['id']] });
    expect(defaultConfig(s, ['overwrite', 'append'])).toMatchObject({ syncMode: 'incremental', destinationSyncMode: 'append' });
  });

  it('falls back to full refresh | overwrite without a cursor', () => {
    expect(defaultConfig(stream('customers', ['id'], { sourceDefinedPrimaryKey: [['id']] }), ['overwrite', 'append', 'append_dedup'])).toMatchObject({ syncMode: 'full_refresh', destinationSyncMode: 'overwrite', selected: true });
  });

  it('names what an incremental or deduped stream still lacks', () => {
    const s = stream('events', ['id', 'at']);
    expect(streamProblems({ stream: s, config: { syncMode: 'incremental', destinationSyncMode: 'append_dedup', cursorField: [], primaryKey: [] } })).toEqual(['pick a cursor field', 'pick a primary key']);
    expect(streamProblems({ stream: s, config: { syncMode: 'incremental', destinationSyncMode: 'append_dedup', cursorField: ['at'], primaryKey: [['id']] } })).toEqual([]);
    expect(streamProblems({ stream: s, config: { syncMode: 'incremental', destinationSyncMode: 'append', selected: false } })).toEqual([]);
  });
});

describe('refreshing the source schema', () => {
  const saved: Schemas['AirbyteCatalog'] = {
    streams: [
      { stream: stream('customers', ['id', 'name', 'fax']), config: { syncMode: 'incremental', destinationSyncMode: 'append', cursorField: ['fax'], selected: true } },
      { stream: stream('legacy', ['id']), config: { syncMode: 'full_refresh', destinationSyncMode: 'overwrite', selected: true } },
    ],
  };
  const refreshed: Schemas['AirbyteCatalog'] = {
    streams: [
      { stream: stream('customers', ['id', 'name', 'email']), config: { syncMode: 'full_refresh', destinationSyncMode: 'overwrite' } },
      { stream: stream('invoices', ['id']), config: { syncMode: 'full_refresh', destinationSyncMode: 'overwrite' } },
    ],
  };

  it('lists added and removed streams and fields', () => {
    expect(diffCatalogs(saved, refreshed)).toEqual([
      { stream: 'public.customers', change: 'changed', fieldsAdded: ['email'], fieldsRemoved: ['fax'] },
      { stream: 'public.invoices', change: 'added', fieldsAdded: [], fieldsRemoved: [] },
      { stream: 'public.legacy', change: 'removed', fieldsAdded: [], fieldsRemoved: [] },
    ]);
    expect(diffCatalogs(saved, saved)).toEqual([]);
  });

  it('keeps the saved configuration, drops a cursor whose field is gone, adds new streams unselected', () => {
    const merged = mergeRefreshed(saved, refreshed, ['overwrite', 'append']);
    expect(merged.streams.map((s) => [s.stream.name, s.config.selected, s.config.syncMode, s.config.cursorField])).toEqual([
      ['customers', true, 'incremental', []],
      ['invoices', false, 'full_refresh', []],
    ]);
  });
});
