// The id SQL in a real DuckDB: every ordinal a sequence can give yields a canonical UUID string.
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { rowIdPrefix, rowIdSql } from './row-ids';

const UUID_V8 = /^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('row ids', () => {
  it('are UUIDv8 strings with the RFC 9562 variant, distinct for ordinals up to 2^62 - 1', async () => {
    const instance = await DuckDBInstance.create(':memory:');
    const db = await instance.connect();
    try {
      const prefix = rowIdPrefix();
      const ordinals = ['0', '1', '281474976710655', '281474976710656', '4611686018427387903'];
      const rows = (await db.runAndReadAll(`SELECT ${rowIdSql(prefix, 'o')} AS id FROM (VALUES ${ordinals.map((o) => `(${o}::BIGINT)`).join(', ')}) AS v(o)`)).getRowObjectsJS();
      const ids = rows.map((r) => String(r.id));
      for (const id of ids) expect(id).toMatch(UUID_V8);
      expect(ids[0]).toBe(`${prefix}8000-000000000000`);
      expect(ids[3]).toBe(`${prefix}8001-000000000000`);
      expect(ids[4]).toBe(`${prefix}bfff-ffffffffffff`);
      expect(new Set(ids).size).toBe(ordinals.length);
    } finally {
      db.closeSync();
      instance.closeSync();
    }
  });

  it('draw a fresh prefix each time', () => {
    const prefixes = new Set(Array.from({ length: 100 }, rowIdPrefix));
    expect(prefixes.size).toBe(100);
  });
});
