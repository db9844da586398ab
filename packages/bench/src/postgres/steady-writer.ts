// A bounded write load on the CDC source table: every TICK_MS one transaction inserting new rows
// and updating existing ones, at a fixed rate, until stopped. A tick that falls behind (a busy
// machine) runs at once rather than being skipped, so the rate achieved is reported, not assumed.
import { setTimeout as sleep } from 'node:timers/promises';
import type pg from 'pg';

const TICK_MS = 100;

export interface WriterTotals {
  inserted: number;
  updated: number;
  seconds: number;
}

export class SteadyWriter {
  private stopped = false;
  private inserted = 0;
  private updated = 0;
  private failure: unknown;
  private readonly done: Promise<void>;
  private readonly started = performance.now();

  /** `changesPerSecond` split evenly between inserts (ids after `lastId`) and updates of random existing ids. */
  constructor(
    private readonly client: pg.Client,
    private readonly table: string,
    private lastId: number,
    changesPerSecond: number,
  ) {
    const perTick = Math.max(2, Math.round((changesPerSecond * TICK_MS) / 1000));
    // Held until stop(), which reports it: a failed writer must not pass for a quiet one.
    this.done = this.loop(Math.floor(perTick / 2), perTick - Math.floor(perTick / 2)).catch((err: unknown) => {
      this.failure = err;
    });
  }

  private async loop(inserts: number, updates: number): Promise<void> {
    for (let tick = 0; !this.stopped; tick++) {
      const due = this.started + tick * TICK_MS;
      if (due > performance.now()) await sleep(due - performance.now());
      if (this.stopped) break;
      const ids = Array.from({ length: updates }, () => 1 + Math.floor(Math.random() * this.lastId));
      await this.client.query('BEGIN');
      await this.client.query(
        `INSERT INTO ${this.table} SELECT g, md5(g::text), clock_timestamp(), (g * 7919 % 100000000)::numeric / 10000, 'inserted ' || g FROM generate_series($1::bigint, $2::bigint) AS g`,
        [this.lastId + 1, this.lastId + inserts],
      );
      const { rowCount } = await this.client.query(`UPDATE ${this.table} SET amount = amount + 1, note = 'updated at tick ' || $2 WHERE id = ANY($1::bigint[])`, [ids, tick]);
      await this.client.query('COMMIT');
      this.lastId += inserts;
      this.inserted += inserts;
      this.updated += rowCount ?? 0;
    }
  }

  /** Stops after the transaction in flight and returns what was committed. */
  async stop(): Promise<WriterTotals> {
    this.stopped = true;
    await this.done;
    if (this.failure) throw new Error(`the CDC writer failed: ${this.failure instanceof Error ? this.failure.message : String(this.failure)}`);
    return { inserted: this.inserted, updated: this.updated, seconds: (performance.now() - this.started) / 1000 };
  }
}
