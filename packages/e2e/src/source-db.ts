// The demo source database, read and changed with the superuser (the seeded source itself
// connects with the read-only role).
import pg from 'pg';

export async function withSourceDb<T>(url: string, work: (db: pg.Client) => Promise<T>): Promise<T> {
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  try {
    return await work(db);
  } finally {
    await db.end();
  }
}

export async function tableRows(db: pg.Client, table: string): Promise<Record<string, unknown>[]> {
  return (await db.query(`SELECT * FROM ${db.escapeIdentifier(table)}`)).rows;
}
