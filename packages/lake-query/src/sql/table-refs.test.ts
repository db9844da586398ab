import { describe, expect, it } from 'vitest';
import { classifyStatement } from './dremio-statements';
import { findTableRefs, replaceTableRefs } from './table-refs';
import { splitStatements, tokenize } from './tokens';

const refs = (sql: string) => findTableRefs(tokenize(sql)).map((r) => ({ path: r.path, hasAlias: r.hasAlias }));

describe('findTableRefs', () => {
  it("finds Dremio's many-part names after FROM, JOIN and commas, unquoting parts", () => {
    expect(refs('SELECT * FROM AirbyteData.datalake."airbyte-data".production_public.customers LIMIT 100')).toEqual([
      { path: ['AirbyteData', 'datalake', 'airbyte-data', 'production_public', 'customers'], hasAlias: false },
    ]);
    expect(refs('SELECT c.id FROM a.b c JOIN x."y ""z""" AS d ON c.id = d.id, e.f WHERE 1 = 1')).toEqual([
      { path: ['a', 'b'], hasAlias: true },
      { path: ['x', 'y "z"'], hasAlias: true },
      { path: ['e', 'f'], hasAlias: false },
    ]);
  });

  it('leaves columns, strings, comments, table functions and CTE names alone', () => {
    expect(refs(`WITH recent AS (SELECT 'FROM a.b' AS s) SELECT x.y -- FROM c.d
      FROM recent, read_parquet('s3://b/k') /* FROM e.f */ WHERE z IN (SELECT 1 FROM g.h)`)).toEqual([{ path: ['g', 'h'], hasAlias: false }]);
  });

  it('replaces each resolved name and aliases it with its last part unless aliased', async () => {
    const sql = 'SELECT customers.id FROM src.lake.customers JOIN src.lake.orders o ON o.cid = customers.id, unknown_table';
    const out = await replaceTableRefs(sql, async (path) => (path[0] === 'src' ? `(SELECT * FROM t_${path.at(-1)})` : undefined));
    expect(out).toBe('SELECT customers.id FROM (SELECT * FROM t_customers) AS "customers" JOIN (SELECT * FROM t_orders) o ON o.cid = customers.id, unknown_table');
  });
});

describe('classifyStatement', () => {
  it("reads the guide's CREATE VDS and the view statements", () => {
    expect(classifyStatement('CREATE VDS airbyte_customers AS\nSELECT id FROM x.y;')).toEqual({ kind: 'create-view', path: ['airbyte_customers'], orReplace: false, query: 'SELECT id FROM x.y' });
    expect(classifyStatement('create or replace view Space."my view" as select 1')).toMatchObject({ kind: 'create-view', path: ['Space', 'my view'], orReplace: true });
    expect(classifyStatement('DROP VDS IF EXISTS a.b')).toEqual({ kind: 'drop-view', path: ['a', 'b'], ifExists: true });
    expect(classifyStatement('CREATE TABLE t AS SELECT 1')).toEqual({ kind: 'query', sql: 'CREATE TABLE t AS SELECT 1' });
  });

  it('names what is missing in a malformed view statement', () => {
    expect(() => classifyStatement('CREATE VIEW v SELECT 1')).toThrow('CREATE VIEW v: expected AS followed by a query');
    expect(() => classifyStatement('CREATE VIEW v AS')).toThrow('the query after AS is missing');
    expect(() => classifyStatement('DROP VIEW')).toThrow('expected a view name at "end of statement"');
  });
});

it('splits scripts at top-level semicolons only', () => {
  expect(splitStatements("SELECT ';'; SELECT 2 -- ;\n;  ")).toEqual(["SELECT ';'", ' SELECT 2 -- ;\n']);
  expect(() => tokenize("SELECT 'open")).toThrow('unterminated string literal starting at character 8');
});
