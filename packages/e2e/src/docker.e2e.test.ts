// The docker runtime end to end, where a Docker engine answers: the compose file the launcher
// generates, brought up by testcontainers (Postgres, MinIO, Dremio and the platform's image
// built from the Dockerfile), seeded with the same api-client seeding and seed files as the
// embedded runtime, the demo sync run, and its data checked row by row in MinIO and through
// Dremio's REST API with the same client the embedded e2e uses.
//
// Where no engine answers (these machines), it is skipped, saying why: never counted as passed.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';
import { DockerComposeEnvironment, Wait, type StartedDockerComposeEnvironment } from 'testcontainers';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { findConnection, startSync, waitForJob } from '@platform/api-client';
import { DremioClient } from '@platform/lake-query/client';
import { DEFAULT_CONFIG_DIR, dockerPlatformHandle, generateComposeFiles, loadPlatformConfig, probeEngine, seedDockerPlatform, type PlatformHandle } from '@platform/launcher';
import { freePorts } from '@platform/services';
import { DEMO_CONNECTION, lakeRecords, lakeRows, sourceRecords, STREAMS, type Stream } from './demo-lake';
import { lakeClient } from './lake';

const engine = await probeEngine();
const skipReason = 'unavailable' in engine ? `no Docker engine answers (${engine.unavailable}); runs where one does` : undefined;
if (skipReason) console.warn(`docker runtime e2e SKIPPED: ${skipReason}`);

describe.skipIf(skipReason !== undefined)(`docker runtime${skipReason ? ` (SKIPPED: ${skipReason})` : ''}`, () => {
  let root: string;
  let environment: StartedDockerComposeEnvironment | undefined;
  let platform: PlatformHandle;
  let s3: S3Client;
  let sourceDbUrl: string;

  beforeAll(async () => {
    root = mkdtempSync(path.join(tmpdir(), 'docker-e2e-'));
    const [api, webapp, postgres, s3Port, query, queryPg] = await freePorts(6);
    const ports = { api, webapp, postgres, s3: s3Port, query, query_pg: queryPg };
    // The launcher reads these as platform.yaml's `${env:…}` values (the handle and seeding too).
    Object.assign(process.env, { PLATFORM_DOCKER_PROJECT: `airlock-e2e-${randomBytes(3).toString('hex')}`, DREMIO_PASSWORD: 'dremio_password1', PLATFORM_DOCKER_WORKER_MAX_JOBS: '1' });
    const options = { stateDir: path.join(root, 'state'), ports };
    const config = loadPlatformConfig(DEFAULT_CONFIG_DIR, options);
    const files = generateComposeFiles(config, DEFAULT_CONFIG_DIR, { composeDir: path.join(root, 'compose'), engineCpus: 'cpus' in engine ? engine.cpus : undefined });
    const compose = new DockerComposeEnvironment(files.composeDir, 'docker-compose.yml')
      .withProjectName(config.docker.project)
      .withEnvironmentFile('.env')
      .withBuild()
      .withStartupTimeout(900_000);
    for (const [name, service] of Object.entries(files.generated.compose.services)) {
      compose.withWaitStrategy(`${name}-1`, service.restart === 'no' ? Wait.forOneShotStartup() : Wait.forHealthCheck());
    }
    environment = await compose.up();
    platform = dockerPlatformHandle(options);
    s3 = lakeClient(platform);
    sourceDbUrl = platform.postgres.connectionUrl('source_db');
    await seedDockerPlatform(platform);
  }, 1_200_000);

  afterAll(async () => {
    s3?.destroy();
    await environment?.down({ removeVolumes: true });
    if (root) rmSync(root, { recursive: true, force: true });
  }, 300_000);

  test('the demo sync lands every source row in MinIO, and Dremio reads them from there', async () => {
    const connection = await findConnection(platform.client, DEMO_CONNECTION);
    const started = await startSync(platform.client, connection.connectionId);
    const done = await waitForJob(platform.client, started.job.id);
    expect(done.job.status).toBe('succeeded');

    const dremio = await DremioClient.login(platform.run.query.url, platform.run.query.user, platform.run.query.password);
    for (const stream of Object.keys(STREAMS) as Stream[]) {
      const expected = await sourceRecords(sourceDbUrl, stream);
      const { rows } = await lakeRows(s3, platform.s3.bucket, stream);
      expect(lakeRecords(rows, stream), stream).toEqual(expected);
      const key = STREAMS[stream];
      const viaDremio = await dremio.query<Record<string, unknown>>(`SELECT ${key} FROM AirbyteData.datalake."airbyte-data".production_public.${stream}`);
      expect(viaDremio.rows.map((row) => row[key]).sort((a, b) => Number(a) - Number(b)), stream).toEqual([...expected.keys()].sort((a, b) => Number(a) - Number(b)));
    }
  });
});
