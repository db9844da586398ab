import { findDefinition } from '@platform/connectors';
import { it } from 'vitest';
import { startTestLake } from './testing/lake';
import { startTestPlatform } from './testing/harness';

it('timing', async () => {
  const platform = await startTestPlatform();
  const lake = await startTestLake(platform.dir);
  const source = await platform.createSourceDatabase();
  const N = Number(process.env.BENCH_ROWS ?? 1_000_000);
  await source.sql(`CREATE TABLE events (id bigint PRIMARY KEY, name text, amount numeric(12,2), active boolean, created_at timestamptz);
     INSERT INTO events SELECT g, 'name ' || g, g * 1.5, g % 2 = 0, now() - g * interval '1 second' FROM generate_series(1, ${N}) g;`); await source.sql(`VACUUM ANALYZE events`);
  const conn = await platform.createConnection({
    source: { definitionId: findDefinition('source-postgres')!.id, config: { ...source.config, ssl_mode: { mode: 'disable' } } },
    destination: { definitionId: findDefinition('destination-s3')!.id, config: lake.destinationConfig('bench') },
    streams: [{ name: 'events', namespace: 'public', syncMode: 'full_refresh', destinationSyncMode: 'overwrite', jsonSchema: { type: 'object', properties: { id: { type: 'integer' }, name: { type: 'string' }, amount: { type: 'number' }, active: { type: 'boolean' }, created_at: { type: 'string', format: 'date-time' } } } }],
    namespaceDefinition: 'customformat', namespaceFormat: 'production_${SOURCE_NAMESPACE}',
  });
  const w = platform.startWorker();
  const t0 = Date.now();
  const job = await platform.services.jobs.sync(conn.connectionId);
  await platform.waitForJob(job.id, undefined, 600_000);
  const total = Date.now() - t0;
  const [a] = await platform.services.jobStore.attemptsOf([job.id]);
  const logs = await platform.services.jobStore.attemptLogs(a.id);
  const start = Date.parse(logs.find((l) => l.includes('writing'))!.slice(0, 24));
  const end = Date.parse(logs[logs.length - 1].slice(0, 24));
  console.log(a.status, JSON.stringify(a.totalStats), `total ${total} ms, ${Math.round(N / (total / 1000))} rec/s; data phase ${end - start} ms, ${Math.round(N / ((end - start) / 1000))} rec/s`);
  console.log(logs.filter((l) => !l.includes('uploaded')).join('\n'));
  console.log(JSON.stringify(await lake.idStats('bench')));
  await w.stop(0);
  await lake.stop(); await platform.stop();
}, 900_000);
