// Entry of the docker runtime's one-shot jobs, run in the platform image:
//   node --import tsx src/docker/job.ts postgres-init | dremio-init
// Exit 0 when done (compose's service_completed_successfully), 1 with one line saying why.
import { bootstrapFirstUser, waitForDremio } from './dremio-bootstrap';
import { initPostgres, postgresTargetFromEnv } from './postgres-init';

const log = (line: string) => process.stdout.write(`${new Date().toISOString()} ${line}\n`);

async function main(job: string | undefined): Promise<void> {
  switch (job) {
    case 'postgres-init': {
      const target = postgresTargetFromEnv(process.env);
      await initPostgres(target);
      log(`databases ready on ${target.host}:${target.port}: platform, source_db (read-only role ${target.sourceDb.user}), analytics_db`);
      return;
    }
    case 'dremio-init': {
      const url = process.env.DREMIO_URL;
      const userName = process.env.DREMIO_USER;
      const password = process.env.DREMIO_PASSWORD;
      if (!url || !userName || !password) throw new Error('DREMIO_URL, DREMIO_USER and DREMIO_PASSWORD must be set (compose/docker-compose.yml sets them)');
      await waitForDremio(url, 300_000);
      const outcome = await bootstrapFirstUser(url, { userName, password });
      log(outcome === 'created' ? `Dremio's first user ${userName} created` : `Dremio user ${userName} already set up`);
      return;
    }
    default:
      throw new Error(`unknown job "${job}" (postgres-init, dremio-init)`);
  }
}

try {
  await main(process.argv[2]);
  process.exit(0);
} catch (error) {
  log(`${process.argv[2] ?? 'job'} failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
