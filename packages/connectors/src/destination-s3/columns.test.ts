import { describe, expect, it } from 'vitest';
import { flattenedColumns, sqlIdent } from './columns';

const objectWithoutProperties = { type: ['null', 'object'] };

describe('flattenedColumns', () => {
  it('keeps a jsonb column whose values are arrays (no object keys discovered) as one column', () => {
    const columns = flattenedColumns([{ name: 'addresses', schema: objectWithoutProperties }], sqlIdent, new Map([['addresses', []]]));
    expect(columns.map((c) => c.name)).toEqual(['addresses']);
  });

  it('flattens discovered object keys into <column>_<key>', () => {
    const discovered = new Map([['contact', [{ key: 'email', jsonTypes: ['VARCHAR'] }, { key: 'phone', jsonTypes: ['VARCHAR'] }]]]);
    const columns = flattenedColumns([{ name: 'contact', schema: objectWithoutProperties }], sqlIdent, discovered);
    expect(columns.map((c) => c.name)).toEqual(['contact_email', 'contact_phone']);
  });
});
