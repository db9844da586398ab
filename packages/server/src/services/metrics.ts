// Prometheus metrics (prom-client) of the syncs, computed from the platform database at each
// scrape rather than counted in this process: any worker may have run the jobs, and a
// restarted server reports the same totals.
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { MetricsStore, MetricsSnapshot } from '../store/metrics-store';

const CONNECTION_LABELS = ['connection_id', 'connection_name'] as const;

/** Seconds: from quick syncs to long full refreshes. */
export const SYNC_DURATION_BUCKETS = [1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600, 7200, 21600];

export class MetricsService {
  private readonly registry = new Registry();
  readonly contentType = this.registry.contentType;
  /** The scrape in progress's snapshot: every metric's collect() reads the same one. */
  private current?: MetricsSnapshot;
  /** Scrapes run one after the other, so one never reads another's snapshot. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly store: MetricsStore) {
    const snapshot = async (): Promise<MetricsSnapshot> => this.current!;
    const registers = [this.registry];
    const conn = (c: { connectionId: string; connectionName: string }) => ({ connection_id: c.connectionId, connection_name: c.connectionName });

    new Counter({
      name: 'airlock_sync_records_total',
      help: 'Records synced by the connection (every attempt of its sync jobs)',
      labelNames: CONNECTION_LABELS,
      registers,
      async collect() {
        this.reset();
        for (const s of (await snapshot()).synced) this.inc(conn(s), s.records);
      },
    });
    new Counter({
      name: 'airlock_sync_bytes_total',
      help: 'Bytes synced by the connection (every attempt of its sync jobs)',
      labelNames: CONNECTION_LABELS,
      registers,
      async collect() {
        this.reset();
        for (const s of (await snapshot()).synced) this.inc(conn(s), s.bytes);
      },
    });
    new Histogram({
      name: 'airlock_sync_duration_seconds',
      help: 'Run time of ended sync jobs, from the first attempt to the end, by outcome',
      labelNames: [...CONNECTION_LABELS, 'status'],
      buckets: SYNC_DURATION_BUCKETS,
      registers,
      async collect() {
        this.reset();
        for (const d of (await snapshot()).durations) this.observe({ ...conn(d), status: d.status }, d.seconds);
      },
    });
    new Counter({
      name: 'airlock_sync_failures_total',
      help: 'Failure reasons of failed attempts, by failure type and origin',
      labelNames: ['failure_type', 'failure_origin'],
      registers,
      async collect() {
        this.reset();
        for (const f of (await snapshot()).failures) this.inc({ failure_type: f.failureType, failure_origin: f.failureOrigin }, f.count);
      },
    });
    new Gauge({
      name: 'airlock_jobs_running',
      help: 'Jobs running now',
      registers,
      async collect() {
        this.set((await snapshot()).runningJobs);
      },
    });
    new Gauge({
      name: 'airlock_jobs_queued',
      help: 'Jobs waiting for a worker (pending, or waiting to retry)',
      registers,
      async collect() {
        this.set((await snapshot()).queuedJobs);
      },
    });
    new Gauge({
      name: 'airlock_connection_last_successful_sync_timestamp_seconds',
      help: 'When the connection last synced successfully (Unix time); absent when it never did',
      labelNames: CONNECTION_LABELS,
      registers,
      async collect() {
        this.reset();
        for (const f of (await snapshot()).freshness) if (f.lastSuccessAt) this.set(conn(f), f.lastSuccessAt.getTime() / 1000);
      },
    });
    new Gauge({
      name: 'airlock_connection_data_freshness_seconds',
      help: 'Seconds since the connection last synced successfully; absent when it never did',
      labelNames: CONNECTION_LABELS,
      registers,
      async collect() {
        this.reset();
        for (const f of (await snapshot()).freshness) if (f.ageSeconds !== null) this.set(conn(f), f.ageSeconds);
      },
    });
  }

  /** The exposition text (Prometheus text format 0.0.4). */
  render(): Promise<string> {
    const scrape = this.queue.then(async () => {
      this.current = await this.store.snapshot();
      try {
        return await this.registry.metrics();
      } finally {
        this.current = undefined;
      }
    });
    this.queue = scrape.catch(() => undefined);
    return scrape;
  }
}
