import { StatementType } from '@duckdb/node-api';
import { findHttpfsExtension } from '@platform/services';
import { LakeDuckDb } from '../src/engine/duckdb';
const db = await LakeDuckDb.open({ httpfsExtension: findHttpfsExtension(), memoryLimitMiB: 256, threads: 1, tempDir: '/tmp/lqst' });
const c = await db.connect();
for (const sql of ['CREATE TABLE t AS SELECT 1', 'SET memory_limit=\'1GB\'', 'SELECT 1']) {
  const ex = await c.extractStatements(sql);
  const p = await ex.prepare(0);
  console.log(sql, p.statementType, StatementType[p.statementType]);
}
