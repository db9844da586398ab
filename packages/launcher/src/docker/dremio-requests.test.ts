// The requests the docker runtime sends to Dremio: the first-user bootstrap (dremio-init job)
// and the guide's AirbyteData source (seeding, config/seeds/default.yaml). No Dremio runs
// here: a local HTTP stand-in records them to check their shapes against Dremio's REST API
// (only the shapes; it proves nothing about Dremio itself), and the same seeding requests then
// run against our own Dremio-shaped API, the query service, on real Postgres and SeaweedFS.
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { parse, stringify } from 'yaml';
import { seed, type PlatformClient } from '@platform/api-client';
import { startLakeQuery, type RunningLakeQuery } from '@platform/lake-query';
import { DremioClient } from '@platform/lake-query/client';
import { PostgresService, SeaweedService, type StartedPostgresService, type StartedSeaweedService } from '@platform/services';
import { DEFAULT_CONFIG_DIR } from '../config';
import { bootstrapFirstUser } from './dremio-bootstrap';

const USER = { userName: 'dremio_user', password: 'dremio_password1' };
const root = mkdtempSync(path.join(tmpdir(), 'dremio-requests-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** config/seeds/default.yaml's dremio_sources alone: the guide's AirbyteData source. */
const dremioSeed = path.join(root, 'dremio-sources.yaml');
writeFileSync(dremioSeed, stringify({ dremio_sources: (parse(readFileSync(path.join(DEFAULT_CONFIG_DIR, 'seeds', 'default.yaml'), 'utf8')) as { dremio_sources: unknown }).dremio_sources }));
const S3_KEYS = { MINIO_ROOT_USER: 'airlock-key', MINIO_ROOT_PASSWORD: 'airlock-secret-1' };
// Seeding with only dremio_sources never calls the Config API.
const NO_API = {} as PlatformClient;

interface Recorded {
  method: string;
  path: string;
  authorization?: string;
  body?: any;
}

/** Records every request and answers as Dremio does for them: users, tokens, the catalog's sources and their tags. */
function standIn(): { server: Server; requests: Recorded[]; url: () => string } {
  const requests: Recorded[] = [];
  const users = new Map<string, string>();
  const sources = new Map<string, { id: string; tag: string; body: any }>();
  const json = (res: import('node:http').ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  };
  const server = createServer(async (req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const record: Recorded = { method: req.method!, path: req.url!, authorization: req.headers.authorization, body: text ? JSON.parse(text) : undefined };
    requests.push(record);
    const authorized = record.authorization === '_dremiotoken-1';
    if (record.method === 'POST' && record.path === '/apiv2/login') {
      return users.get(record.body.userName) === record.body.password ? json(res, 200, { token: 'token-1', userName: record.body.userName }) : json(res, 401, { errorMessage: 'Login was unsuccessful' });
    }
    if (record.method === 'PUT' && record.path === '/apiv2/bootstrap/firstuser') {
      if (users.size) return json(res, 400, { errorMessage: 'First user can only be created when no user is already registered' });
      users.set(record.body.userName, record.body.password);
      return json(res, 200, { userName: record.body.userName });
    }
    if (!authorized) return json(res, 401, { errorMessage: 'not logged in' });
    if (record.method === 'GET' && record.path === '/api/v3/catalog') {
      return json(res, 200, { data: [...sources.values()].map((s) => ({ id: s.id, path: [s.body.name], tag: s.tag, type: 'CONTAINER', containerType: 'SOURCE' })) });
    }
    if (record.method === 'POST' && record.path === '/api/v3/catalog') {
      const source = { id: `source-${sources.size + 1}`, tag: '0', body: record.body };
      sources.set(source.id, source);
      return json(res, 200, { ...record.body, id: source.id, tag: source.tag });
    }
    const update = /^\/api\/v3\/catalog\/([^/]+)$/.exec(record.path);
    if (record.method === 'PUT' && update && sources.has(update[1])) {
      const source = sources.get(update[1])!;
      // Dremio's optimistic concurrency: an update names the version it replaces.
      if (record.body.tag !== source.tag) return json(res, 409, { errorMessage: 'tag mismatch' });
      source.tag = String(Number(source.tag) + 1);
      source.body = record.body;
      return json(res, 200, { ...record.body, tag: source.tag });
    }
    json(res, 404, { errorMessage: `no ${record.method} ${record.path}` });
  });
  return { server, requests, url: () => `http://127.0.0.1:${(server.address() as import('node:net').AddressInfo).port}` };
}

describe('against a stand-in for Dremio’s REST API (request shapes only)', () => {
  const dremio = standIn();
  beforeAll(async () => {
    dremio.server.listen(0, '127.0.0.1');
    await once(dremio.server, 'listening');
  });
  afterAll(() => dremio.server.close());

  test('the first user is created once, through PUT /apiv2/bootstrap/firstuser, then logs in', async () => {
    expect(await bootstrapFirstUser(dremio.url(), USER)).toBe('created');
    const [login, firstUser, loginAfter] = dremio.requests;
    expect(login).toMatchObject({ method: 'POST', path: '/apiv2/login', body: { userName: 'dremio_user', password: USER.password } });
    expect(firstUser).toMatchObject({ method: 'PUT', path: '/apiv2/bootstrap/firstuser', authorization: '_dremionull' });
    expect(Object.keys(firstUser.body).sort()).toEqual(['createdAt', 'email', 'firstName', 'lastName', 'password', 'userName']);
    expect(firstUser.body).toMatchObject({ userName: 'dremio_user', password: USER.password, email: 'dremio_user@airlock.local' });
    expect(loginAfter).toMatchObject({ method: 'POST', path: '/apiv2/login' });

    dremio.requests.length = 0;
    expect(await bootstrapFirstUser(dremio.url(), USER)).toBe('existed');
    expect(dremio.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['POST /apiv2/login']);
  });

  test('a password Dremio would refuse, or another first user, fails naming the fix', async () => {
    await expect(bootstrapFirstUser(dremio.url(), { userName: 'other', password: 'dremio_password' })).rejects.toThrow(
      'Dremio accepts only passwords of at least 8 characters with a letter and a digit: set DREMIO_PASSWORD',
    );
    await expect(bootstrapFirstUser(dremio.url(), { userName: 'other', password: 'other-pass-1' })).rejects.toThrow(/Dremio already has a first user, and other cannot log in/);
  });

  test('the guide’s AirbyteData source is created, then updated with its id and tag, as the docker seeding sends it', async () => {
    dremio.requests.length = 0;
    const env = { ...S3_KEYS, PLATFORM_S3_HOST_PORT: 'minio:9000' };
    const query = () => DremioClient.login(dremio.url(), USER.userName, USER.password);
    const [created] = await seed(NO_API, [dremioSeed], env, { query });
    expect(created).toMatchObject({ kind: 'dremio source', name: 'AirbyteData', action: 'created' });
    const create = dremio.requests.find((r) => r.method === 'POST' && r.path === '/api/v3/catalog')!;
    expect(create.authorization).toBe('_dremiotoken-1');
    expect(create.body).toEqual({
      entityType: 'source',
      name: 'AirbyteData',
      type: 'S3',
      config: {
        accessKey: 'airlock-key',
        accessSecret: 'airlock-secret-1',
        rootPath: '/',
        propertyList: [
          // No scheme: Dremio prefixes http:// (secure off) itself.
          { name: 'fs.s3a.endpoint', value: 'minio:9000' },
          { name: 'fs.s3a.path.style.access', value: 'true' },
          { name: 'dremio.s3.compat', value: 'true' },
        ],
      },
    });

    const [updated] = await seed(NO_API, [dremioSeed], env, { query });
    expect(updated).toMatchObject({ action: 'updated', id: created.id });
    const update = dremio.requests.find((r) => r.method === 'PUT' && r.path === `/api/v3/catalog/${created.id}`)!;
    expect(update.body).toMatchObject({ ...create.body, id: created.id, tag: '0' });
  });
});

describe('the same seeding requests against the query service (our Dremio-shaped API)', () => {
  let postgres: StartedPostgresService;
  let s3: StartedSeaweedService;
  let service: RunningLakeQuery;

  beforeAll(async () => {
    [postgres, s3] = await Promise.all([
      new PostgresService({ dataDir: path.join(root, 'pg') }).start(),
      new SeaweedService({ dataDir: path.join(root, 's3'), accessKeyId: S3_KEYS.MINIO_ROOT_USER, secretAccessKey: S3_KEYS.MINIO_ROOT_PASSWORD }).start(),
    ]);
    await s3.createBucket('datalake');
    await postgres.createDatabase('lake');
    service = await startLakeQuery({
      databaseUrl: postgres.connectionUrl('lake'),
      secretKey: Buffer.alloc(32, 7),
      host: '127.0.0.1',
      restPort: 0,
      pgPort: 0,
      user: USER.userName,
      password: USER.password,
      memoryLimitMiB: 256,
      queryTimeoutMs: 60_000,
      maxConcurrentQueries: 2,
      tempDir: path.join(root, 'spill'),
    });
  }, 180_000);
  afterAll(async () => {
    await service?.stop();
    // The service's pool may still be closing its connections; Postgres stopping under them
    // would surface as errors of this file.
    if (postgres) await waitForNoSessions(postgres, 'lake');
    await Promise.all([s3?.stop(), postgres?.stop()]);
  }, 120_000);

  test('AirbyteData is created, then updated with its id and tag, and points at the S3 server', async () => {
    const env = { ...S3_KEYS, PLATFORM_S3_HOST_PORT: new URL(s3.endpoint).host };
    const query = () => DremioClient.login(service.restUrl, USER.userName, USER.password);
    const [created] = await seed(NO_API, [dremioSeed], env, { query });
    const [updated] = await seed(NO_API, [dremioSeed], env, { query });
    expect([created.action, updated.action, updated.id]).toEqual(['created', 'updated', created.id]);
    const client = await query();
    const source = await client.catalogByPath(['AirbyteData']);
    expect(source).toMatchObject({ entityType: 'source', type: 'S3', config: { propertyList: expect.arrayContaining([{ name: 'fs.s3a.endpoint', value: new URL(s3.endpoint).host }]) } });
    // The source reads that server: the bucket lists as its folder.
    expect(source.children?.map((c) => c.path.at(-1))).toContain('datalake');
  });
});

async function waitForNoSessions(postgres: StartedPostgresService, database: string): Promise<void> {
  const admin = new pg.Client({ connectionString: postgres.connectionUrl('postgres') });
  await admin.connect();
  try {
    while ((await admin.query('SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1', [database])).rows[0].n > 0) await sleep(100);
  } finally {
    await admin.end();
  }
}
