import { expect, test } from 'vitest';
import { coerceToSchema } from './coerce';

const spec = {
  type: 'object',
  properties: {
    port: { type: 'integer' },
    password: { type: 'string' },
    ssl_mode: { type: 'object', oneOf: [{ properties: { mode: { type: 'string' } } }] },
    format: { type: 'object', properties: { block_size_mb: { type: 'integer' }, dictionary_encoding: { type: 'boolean' } } },
  },
};

test('interpolated strings take the type the connector spec declares', () => {
  const config = { port: '5432', password: '123456', ssl_mode: { mode: 'prefer' }, format: { block_size_mb: '128', dictionary_encoding: 'true' } };
  expect(coerceToSchema(config, spec)).toEqual({ port: 5432, password: '123456', ssl_mode: { mode: 'prefer' }, format: { block_size_mb: 128, dictionary_encoding: true } });
});

test('values that do not convert cleanly are left for the server to reject', () => {
  expect(coerceToSchema({ port: 'abc' }, spec)).toEqual({ port: 'abc' });
});
