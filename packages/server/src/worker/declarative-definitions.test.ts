// Issue 11, points 3 and 4: Airbyte's Builder endpoints (declarative_source_definitions/
// create_manifest, list_manifests, update_active_manifest) register a low-code manifest as a
// source definition of its own. Proven on connector code written elsewhere: Airbyte's
// ConvertKit source (manifest-only; vendored with its MIT license in
// packages/connectors/src/declarative/test/source-convertkit), pointed at a local HTTP server
// of ours answering ConvertKit's paths, synced to destination-s3 on a real SeaweedFS and
// compared with what the server served, row by row.
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { declarativeScriptPath, findDefinition, SECRET_MASK } from '@platform/connectors';
import { freePort } from '@platform/services';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { createApiServer, type ApiServer } from '../api/http-server';
import { startTestLake, type TestLake } from '../testing/test-lake';
import { startTestPlatform, type TestPlatform } from '../testing/platform-harness';
import { jsonApi } from '../testing/json-api';

const MANIFEST_FILE = join(import.meta.dirname, '../../../connectors/src/declarative/test/source-convertkit/manifest.yaml');
const API_SECRET = 'ck-secret-7d1e90';
const STREAMS = ['broadcasts', 'forms', 'sequences', 'subscribers', 'tags'];

// ConvertKit's v3 API as the manifest reads it: each list under its own key; tags paginate by
// page, 50 a page, pages counted from 0 as the manifest's PageIncrement does (no `page` on the
// first request, then page=1 for the second page).
const data = {
  forms: [
    { id: 1, name: 'Newsletter', type: 'embed', archived: false, created_at: '2023-01-02T03:04:05.000Z', url: 'https://example.com/f/1' },
    { id: 2, name: 'Форма «подписка»', type: 'hosted', archived: true, created_at: '2023-02-02T03:04:05.000Z', url: null },
  ],
  courses: [{ id: 10, name: 'Welcome sequence', hold: false, repeat: true, created_at: '2023-03-01T00:00:00.000Z' }],
  tags: Array.from({ length: 63 }, (_, i) => ({ id: 1000 + i, name: `tag-${i}`, created_at: `2023-04-${String((i % 28) + 1).padStart(2, '0')}T00:00:00.000Z` })),
  subscribers: [
    { id: 501, first_name: 'Ann', email_address: 'ann@example.com', state: 'active', created_at: '2023-05-01T00:00:00.000Z', fields: { last_name: 'Lee' } },
    { id: 502, first_name: null, email_address: 'x@example.com', state: 'cancelled', created_at: '2023-05-02T00:00:00.000Z', fields: { last_name: null } },
  ],
  broadcasts: [{ id: 9001, subject: 'Hello "world"', created_at: '2023-06-01T00:00:00.000Z' }],
};
const key: Record<string, keyof typeof data> = { forms: 'forms', sequences: 'courses', tags: 'tags', subscribers: 'subscribers', broadcasts: 'broadcasts' };

let platform: TestPlatform;
let lake: TestLake;
let api: ApiServer;
let apiUrl: string;
const { ok, post } = jsonApi(() => apiUrl);
let convertkit: Server;
let convertkitUrl: string;
const served: Record<string, unknown[]> = {};
const requests: Array<{ path: string; query: Record<string, string> }> = [];

beforeAll(async () => {
  if (!declarativeScriptPath()) throw new Error('airbyte-cdk is not installed in .tools/airbyte-cdk: run scripts/bootstrap.sh (or scripts/install-declarative-cdk.sh)');
  convertkit = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const query = Object.fromEntries(url.searchParams);
    requests.push({ path: url.pathname, query });
    const stream = url.pathname.replace(/^\/v3\//, '');
    if (query.api_secret !== API_SECRET) return void res.writeHead(401, { 'Content-Type': 'application/json' }).end('{"error":"Authorization Failed"}');
    if (!(stream in key)) return void res.writeHead(404).end();
    let rows: unknown[] = data[key[stream]];
    if (stream === 'tags') {
      const page = Number(query.page ?? 0);
      const limit = Number(query.limit);
      rows = rows.slice(page * limit, (page + 1) * limit);
    }
    (served[stream] ??= []).push(...rows);
    res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ [key[stream]]: rows }));
  });
  await new Promise<void>((resolve) => convertkit.listen(0, '127.0.0.1', resolve));
  convertkitUrl = `http://127.0.0.1:${(convertkit.address() as AddressInfo).port}/v3`;
  platform = await startTestPlatform();
  lake = await startTestLake(platform.dir);
  platform.startWorker({ tmpDir: join(platform.dir, 'tmp') });
  api = createApiServer(platform.services, { port: await freePort(), validateResponses: true });
  apiUrl = await api.listen();
}, 120_000);
afterAll(async () => {
  await api?.close();
  await lake?.stop();
  await platform?.stop();
  await new Promise((resolve) => convertkit?.close(resolve));
});

/** The vendored manifest, with its only url_base pointed at our server. */
async function convertkitManifest(): Promise<Record<string, any>> {
  const manifest = parse(await readFile(MANIFEST_FILE, 'utf8'));
  expect(manifest.definitions.base_requester.url_base).toBe('https://api.convertkit.com/v3');
  manifest.definitions.base_requester.url_base = convertkitUrl;
  return manifest;
}

describe('a low-code manifest registered through the Builder endpoints', () => {
  const definitionId = randomUUID();
  let manifest: Record<string, any>;

  it('create_manifest registers a new declarative source definition; bad requests are refused naming the field', async () => {
    manifest = await convertkitManifest();
    const spec = { connectionSpecification: { ...manifest.spec.connection_specification, title: 'ConvertKit (manifest)' } };
    const body = { sourceDefinitionId: definitionId, setAsActiveManifest: true, declarativeManifest: { manifest, spec, version: 1, description: 'first' } };

    const noStreams = await post('declarative_source_definitions/create_manifest', { ...body, declarativeManifest: { ...body.declarativeManifest, manifest: { version: '6.0.0' } } });
    expect(noStreams.status).toBe(422);
    expect(JSON.stringify(noStreams.body)).toContain('declarativeManifest.manifest');
    const inactive = await post('declarative_source_definitions/create_manifest', { ...body, setAsActiveManifest: false });
    expect(inactive.status).toBe(422);
    expect(JSON.stringify(inactive.body)).toContain('setAsActiveManifest');
    const builtIn = await post('declarative_source_definitions/create_manifest', { ...body, sourceDefinitionId: findDefinition('source-postgres')!.id });
    expect(builtIn.status).toBe(422);
    expect(JSON.stringify(builtIn.body)).toContain('sourceDefinitionId');

    expect((await post('declarative_source_definitions/create_manifest', body)).status).toBe(204);
    expect((await post('declarative_source_definitions/create_manifest', body)).status).toBe(409);
    const listed = await ok('source_definitions/list_for_workspace', {});
    expect(listed.sourceDefinitions.find((d: any) => d.sourceDefinitionId === definitionId)).toMatchObject({ name: 'ConvertKit (manifest)', custom: true, dockerRepository: 'airbyte/source-declarative-manifest' });
    expect(await ok('declarative_source_definitions/list_manifests', { sourceDefinitionId: definitionId })).toEqual({ manifestVersions: [{ version: 1, description: 'first', isActive: true }] });
    expect((await post('declarative_source_definitions/list_manifests', { sourceDefinitionId: randomUUID() })).status).toBe(404);
    const specRead = await ok('source_definition_specifications/get', { sourceDefinitionId: definitionId });
    expect(specRead.connectionSpecification.required).toEqual(['api_secret']);
  });

  it('its source checks, discovers and syncs to S3 with every row the server served, and the secret stays masked', async () => {
    const source = await ok('sources/create', { sourceDefinitionId: definitionId, name: 'convertkit', connectionConfiguration: { api_secret: API_SECRET } });
    expect(source.connectionConfiguration.api_secret).toBe(SECRET_MASK);
    expect(await ok('sources/check_connection', { sourceId: source.sourceId })).toMatchObject({ status: 'succeeded' });
    const discovered = await ok('sources/discover_schema', { sourceId: source.sourceId });
    expect(discovered.catalog.streams.map((s: any) => s.stream.name).sort()).toEqual(STREAMS);

    const destination = await ok('destinations/create', {
      destinationDefinitionId: findDefinition('destination-s3')!.id,
      connectionConfiguration: { ...lake.destinationConfig('convertkit'), s3_path_format: '${STREAM_NAME}/${EPOCH}_' },
      name: 'lake',
    });
    const syncCatalog = { streams: discovered.catalog.streams.map((s: any) => ({ stream: s.stream, config: { ...s.config, selected: true, syncMode: 'full_refresh', destinationSyncMode: 'overwrite' } })) };
    const connection = await ok('connections/create', { sourceId: source.sourceId, destinationId: destination.destinationId, syncCatalog, status: 'active', name: 'convertkit → lake' });
    for (const stream of STREAMS) served[stream] = [];
    const { job } = await ok('connections/sync', { connectionId: connection.connectionId });
    const done = await platform.waitForJob(job.id, undefined, 300_000);
    const read = await ok('jobs/get', { id: job.id });
    expect(done.status, JSON.stringify(read.attempts.map((a: any) => a.attempt.failureSummary))).toBe('succeeded');
    expect(JSON.stringify(read)).not.toContain(API_SECRET);

    // Tags came in two pages (50 + 13); every stream landed exactly what was served.
    expect(requests.filter((r) => r.path === '/v3/tags' && r.query.limit === '50').map((r) => r.query.page ?? '0')).toEqual(['0', '1']);
    for (const stream of STREAMS) {
      expect(served[stream], stream).toEqual(data[key[stream]]);
      const rows = await lake.query(`convertkit/${stream}`, 'SELECT id::INTEGER AS id, to_json(lake)::VARCHAR AS row FROM lake ORDER BY id');
      const expected = [...(served[stream] as Array<Record<string, unknown>>)].sort((a, b) => Number(a.id) - Number(b.id));
      expect(rows.map((r) => r.id), stream).toEqual(expected.map((r) => r.id));
      for (const [i, row] of rows.entries()) {
        const landed = JSON.parse(String(row.row));
        for (const [field, value] of Object.entries(expected[i])) {
          // Nested objects land as JSON; everything else as served.
          const got = landed[field];
          expect(typeof got === 'string' && value !== null && typeof value === 'object' ? JSON.parse(got) : got, `${stream} ${expected[i].id} ${field}`).toEqual(value);
        }
      }
    }
  }, 600_000);

  it('list_manifests and update_active_manifest switch the version that runs', async () => {
    const v2 = structuredClone(manifest);
    v2.streams = v2.streams.filter((s: any) => s.$ref !== '#/definitions/streams/broadcasts');
    const spec = { connectionSpecification: manifest.spec.connection_specification };
    expect((await post('declarative_source_definitions/create_manifest', { sourceDefinitionId: definitionId, setAsActiveManifest: false, declarativeManifest: { manifest: v2, spec, version: 2, description: 'without broadcasts' } })).status).toBe(204);
    expect(await ok('declarative_source_definitions/list_manifests', { sourceDefinitionId: definitionId })).toEqual({
      manifestVersions: [
        { version: 1, description: 'first', isActive: true },
        { version: 2, description: 'without broadcasts', isActive: false },
      ],
    });
    expect((await post('declarative_source_definitions/update_active_manifest', { sourceDefinitionId: definitionId, version: 3 })).status).toBe(404);
    expect((await post('declarative_source_definitions/update_active_manifest', { sourceDefinitionId: definitionId, version: 2 })).status).toBe(204);
    const versions = (await ok('declarative_source_definitions/list_manifests', { sourceDefinitionId: definitionId })).manifestVersions;
    expect(versions.map((v: any) => [v.version, v.isActive])).toEqual([[1, false], [2, true]]);
    const source = await ok('sources/create', { sourceDefinitionId: definitionId, name: 'convertkit v2', connectionConfiguration: { api_secret: API_SECRET } });
    const discovered = await ok('sources/discover_schema', { sourceId: source.sourceId });
    expect(discovered.catalog.streams.map((s: any) => s.stream.name).sort()).toEqual(STREAMS.filter((s) => s !== 'broadcasts'));
  }, 120_000);
});
