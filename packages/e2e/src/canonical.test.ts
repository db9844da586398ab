import { expect, test } from 'vitest';
import { byKey, canonical, flattenObjects } from './canonical';

test('pg and DuckDB shapes of the same values compare equal', () => {
  const fromPg = { id: 1, amount: '12.30', created_at: new Date('2025-01-01T10:00:00Z'), addresses: [{ type: 'billing', city: 'Boston' }] };
  const fromParquet = { id: 1, amount: 12.3, created_at: '2025-01-01 10:00:00+00', addresses: '[{"type":"billing","city":"Boston"}]' };
  expect(canonical(fromPg)).toEqual(canonical(fromParquet));
});

test('nested objects flatten into <column>_<key> columns beside the whole object', () => {
  const contact = { email: 'a@b.c', phone: '+1' };
  expect(flattenObjects({ id: 1, contact, tags: ['x'] })).toEqual({ id: 1, contact, contact_email: 'a@b.c', contact_phone: '+1', tags: ['x'] });
});

test('byKey indexes canonical rows by their key', () => {
  expect(byKey([{ id: '2', v: '1.5' }], 'id')).toEqual(new Map([[2, { id: 2, v: 1.5 }]]));
});
