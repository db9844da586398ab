import { describe, expect, it } from 'vitest';
import { parquetSelect, type InputColumn } from './columns';

const namesOf = (columns: InputColumn[]) => parquetSelect(columns, { text: (i) => `t.c${i}`, emittedAt: 'now()', idPrefix: '00000000-0000-8000-' }, 't').names;
const objectWithoutProperties = { type: ['null', 'object'] };

describe('parquetSelect', () => {
  it('keeps a JSON column without declared properties as one column, whatever its values', () => {
    expect(namesOf([{ name: 'addresses', schema: objectWithoutProperties }])).toEqual(['_airbyte_ab_id', '_airbyte_emitted_at', 'addresses', '_airbyte_unfit_values']);
  });

  it('flattens declared properties into <column>_<key> beside the whole value', () => {
    const contact = { type: ['null', 'object'], properties: { email: { type: 'string' }, phone: { type: 'string' } } };
    expect(namesOf([{ name: 'contact', schema: contact }])).toEqual(['_airbyte_ab_id', '_airbyte_emitted_at', 'contact', 'contact_email', 'contact_phone', '_airbyte_unfit_values']);
  });

  it('lets generated names yield to the stream’s own columns, compared as DuckDB compares them', () => {
    const text = { type: 'string' };
    const columns = [
      { name: 'a', schema: { type: 'object', properties: { b: text } } },
      { name: 'A_B', schema: text },
      { name: '_airbyte_ab_id', schema: text },
      { name: 'UPPER', schema: text },
      { name: 'upper', schema: text },
    ];
    expect(namesOf(columns)).toEqual(['_airbyte_ab_id_2', '_airbyte_emitted_at', 'a', 'a_b_2', 'A_B', '_airbyte_ab_id', 'UPPER', 'upper_2', '_airbyte_unfit_values']);
  });

  it('gives the metadata names precedence over flattened ones', () => {
    const columns = [{ name: '_airbyte', schema: { type: 'object', properties: { unfit_values: { type: 'string' } } } }];
    expect(namesOf(columns)).toEqual(['_airbyte_ab_id', '_airbyte_emitted_at', '_airbyte', '_airbyte_unfit_values_2', '_airbyte_unfit_values']);
  });
});
