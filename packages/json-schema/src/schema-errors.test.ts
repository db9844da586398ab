import { describe, expect, it } from 'vitest';
import { createAjv, schemaErrorsToDetails } from './schema-errors';

const ajv = createAjv();
const detailsFor = (schema: object, value: unknown, prefix = '') => {
  const validate = ajv.compile(schema);
  validate(value);
  return schemaErrorsToDetails(validate.errors, prefix);
};

const replication = {
  type: 'object',
  properties: {
    method: {
      type: 'object',
      oneOf: [
        { required: ['method'], properties: { method: { const: 'Standard' } } },
        { required: ['method', 'plugin'], properties: { method: { const: 'CDC' }, plugin: { type: 'string', enum: ['pgoutput'] } } },
      ],
    },
  },
};

describe('schemaErrorsToDetails', () => {
  it('writes array indices in brackets under a prefix', () => {
    const schema = { type: 'object', properties: { list: { type: 'array', items: { type: 'object', required: ['a'] } } } };
    expect(detailsFor(schema, { list: [{ a: 1 }, {}] }, 'body')).toEqual([{ path: 'body.list[1].a', message: 'is required' }]);
  });

  it('reports only the oneOf branch whose discriminator matched', () => {
    expect(detailsFor(replication, { method: { method: 'CDC', plugin: 'wal2json' } })).toEqual([{ path: 'method.plugin', message: 'must be one of pgoutput' }]);
    expect(detailsFor(replication, { method: { method: 'CDC' } })).toEqual([{ path: 'method.plugin', message: 'is required' }]);
  });

  it('lists the choices when no oneOf branch matched', () => {
    expect(detailsFor(replication, { method: { method: 'Xmin' } })).toEqual([{ path: 'method', message: 'must be one of the options: Standard, CDC' }]);
    expect(detailsFor(replication, { method: {} })).toEqual([{ path: 'method', message: 'must be one of the options: Standard, CDC' }]);
  });
});
