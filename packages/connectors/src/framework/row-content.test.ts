// Row contents out of error texts, on the texts DuckDB and Postgres really produce.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { withoutRowContent } from './row-content';

async function duckDbError(sql: (dir: string) => Promise<string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'row-content-'));
  const db = await DuckDBInstance.create(':memory:');
  const connection = await db.connect();
  try {
    await connection.runAndReadAll(await sql(dir));
    throw new Error('expected DuckDB to fail');
  } catch (err) {
    return (err as Error).message;
  } finally {
    connection.closeSync();
    db.closeSync();
    await rm(dir, { recursive: true, force: true });
  }
}

const csvWithBadValue = (value: string) => async (dir: string) => {
  const file = join(dir, 'chunk.csv');
  await writeFile(file, `id,n\n1,5\n2,${value}\n`);
  return `SELECT * FROM read_csv('${file}', header = true, auto_detect = false, quote = '"', escape = '"', columns = {'id': 'BIGINT', 'n': 'DECIMAL(10,2)'})`;
};

describe('withoutRowContent', () => {
  it.each([
    ['a bare value', 'CANARY-a'],
    ['a quoted value holding quotes and commas', '"CANARY-b ""x"", y"'],
    ['a long value', `"CANARY-c ${'x'.repeat(5000)}"`],
  ])("removes DuckDB's CSV line and value: %s", async (_, value) => {
    const message = await duckDbError(csvWithBadValue(value));
    expect(message).toContain('CANARY');
    const safe = withoutRowContent(message);
    expect(safe).not.toContain('CANARY');
    // What is not data stays: the line number, the column and the target type.
    expect(safe).toContain('CSV Error on Line: 3');
    expect(safe).toContain('Error when converting column "n"');
    expect(safe).toContain("to 'DECIMAL'");
  });

  it("removes the value of DuckDB's cast errors", async () => {
    for (const sql of ["SELECT 'CANARY-d'::INTEGER", `SELECT json_extract('{"a":"CANARY-e"}', '$.a')::INTEGER`]) {
      const message = await duckDbError(async () => sql);
      expect(withoutRowContent(message.split('\n')[0])).not.toContain('CANARY');
    }
  });

  it.each([
    ['invalid input syntax for type integer: "CANARY-f"', 'invalid input syntax for type integer: [value removed]'],
    ['invalid input syntax for type json: "CANARY-g\nsecond line"', 'invalid input syntax for type json: [value removed]'],
    ['date/time field value out of range: "CANARY-h"', 'date/time field value out of range: [value removed]'],
    ['value "CANARY-i" is out of range for type integer', 'value [value removed] is out of range for type integer'],
    ['Failing row contains (1, CANARY-j, (x), null).', 'Failing row contains [value removed]'],
    ['Key (id, name)=(7, CANARY-k) already exists.', 'Key (id, name)=([value removed]) already exists.'],
  ])("removes the value of Postgres's error text %j", (text, safe) => {
    expect(withoutRowContent(text)).toBe(safe);
  });

  it('keeps messages that quote only identifiers', () => {
    for (const text of ['relation "public.orders" does not exist', 'Authentication failed for user "reader": incorrect username or password.', 'column "n" of relation "t" does not exist']) {
      expect(withoutRowContent(text)).toBe(text);
    }
  });
});
