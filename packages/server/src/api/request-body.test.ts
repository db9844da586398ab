// Issue 6, point 8: bad input is a 4xx naming the field, never a 500 — against a real server.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../testing/api-harness';
import { FAKE_SOURCE_ID, useTestConnectors } from '../testing/fake-connectors';
import { rawRequest } from '../testing/raw-request';
import { findJsonProblems } from './json-guards';

const nested = (levels: number, leaf = '1') => '{"a":'.repeat(levels) + leaf + '}'.repeat(levels);

describe('request bodies', () => {
  let api: TestApi;
  let workspaceId: string;
  beforeAll(async () => {
    api = await startTestApi({ connectorDefinitions: useTestConnectors(), api: { maxBodyBytes: 64 * 1024 } });
    workspaceId = (await api.post('workspaces/list')).body.workspaces[0].workspaceId;
  });
  afterAll(() => api.close());

  const workspaceNames = async () => (await api.post('workspaces/list')).body.workspaces.map((w: { name: string }) => w.name);

  it.each(['9223372036854775808', '9223372036854775807', '1e308', '9007199254740993', '-9007199254740993'])(
    'refuses job id %s (not a safe integer) with 422 naming the field',
    async (id) => {
      for (const operation of ['jobs/get', 'jobs/cancel']) {
        const res = await api.post(operation, `{"id": ${id}}`);
        expect(res.status, operation).toBe(422);
        expect(res.body.details).toEqual([{ path: 'id', message: expect.stringMatching(/^must be [<>]= -?9007199254740991$/) }]);
      }
    },
  );

  it('looks up the largest safe job id exactly (404, not a rounded neighbour)', async () => {
    const res = await api.post('jobs/get', '{"id": 9007199254740991}');
    expect(res.status).toBe(404);
    expect(res.body.id).toBe('9007199254740991');
  });

  it('refuses NUL characters in values and keys with 422 naming the field, and stores nothing', async () => {
    const before = await workspaceNames();
    const value = await api.post('workspaces/create', { name: 'nul\u0000name' });
    expect(value.status).toBe(422);
    expect(value.body.details).toEqual([{ path: 'name', message: 'contains a NUL character (\\u0000), which cannot be stored' }]);
    const key = await api.post('workspaces/create', { name: 'ok', notificationSettings: { sendOnFailure: { 'bad\u0000key': 1 } } });
    expect(key.status).toBe(422);
    expect(key.body.details).toEqual([{ path: 'notificationSettings.sendOnFailure["bad\\u0000key"]', message: 'has a key that contains a NUL character (\\u0000), which cannot be stored' }]);
    expect(await workspaceNames()).toEqual(before);
  });

  it('refuses lone surrogates with 422 naming the field, and keeps paired ones exact', async () => {
    const lone = await api.post('workspaces/create', '{"name": "half \\ud83d pair"}');
    expect(lone.status).toBe(422);
    expect(lone.body.details).toEqual([{ path: 'name', message: 'is not valid Unicode: it contains a lone UTF-16 surrogate' }]);
    const reversed = await api.post('workspaces/create', '{"name": "x", "email": "\\udc00\\ud800@example.com"}');
    expect(reversed.status).toBe(422);
    expect(reversed.body.details[0].path).toBe('email');
    const paired = await api.post('workspaces/create', { name: 'rocket \u{1F680}' });
    expect(paired.status).toBe(200);
    expect(paired.body.name).toBe('rocket \u{1F680}');
  });

  it('refuses 10,000 levels of nesting with 422 before validation, naming where the limit is crossed', async () => {
    const res = await api.post('sources/create', `{"name":"deep","workspaceId":"${workspaceId}","sourceDefinitionId":"${FAKE_SOURCE_ID}","connectionConfiguration":{"api_key":"k","x":${nested(10_000)}}}`);
    expect(res.status).toBe(422);
    expect(res.body.details).toHaveLength(1);
    expect(res.body.details[0].path).toBe(`connectionConfiguration.x${'.a'.repeat(62)}`);
    expect(res.body.details[0].message).toBe("nests deeper than 64 levels, the API's limit (PLATFORM_API_MAX_JSON_DEPTH)");
  });

  it('does not store a 1,000-level config that readers would choke on', async () => {
    const res = await api.post('sources/create', `{"name":"deep","workspaceId":"${workspaceId}","sourceDefinitionId":"${FAKE_SOURCE_ID}","connectionConfiguration":{"api_key":"k","x":${nested(1_000)}}}`);
    expect(res.status).toBe(422);
    expect((await api.post('sources/list', { workspaceId })).body.sources).toEqual([]);
  });

  it('refuses bytes that are not UTF-8 with 400 rather than storing U+FFFD', async () => {
    const body = Buffer.concat([Buffer.from('{"name": "caf'), Buffer.from([0xe9]), Buffer.from('"}')]);
    const res = await rawRequest(`${api.url}/api/v1/workspaces/create`, 'POST', body);
    expect(res.status).toBe(400);
    expect(res.json.message).toBe('The request body is not valid UTF-8');
  });

  it('answers 413 for a body over the limit, declared or chunked', async () => {
    const big = JSON.stringify({ name: 'x'.repeat(70 * 1024) });
    const declared = await rawRequest(`${api.url}/api/v1/workspaces/create`, 'POST', big);
    expect(declared.status).toBe(413);
    expect(declared.json.message).toBe('Request body exceeds 65536 bytes (PLATFORM_API_MAX_BODY_BYTES)');
    const chunked = await rawRequest(`${api.url}/api/v1/workspaces/create`, 'POST', big, { 'Transfer-Encoding': 'chunked' });
    expect(chunked.status).toBe(413);
    expect(await workspaceNames()).not.toContain('x'.repeat(70 * 1024));
  });
});

describe('a configured depth limit', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi({ api: { maxJsonDepth: 4 } });
  });
  afterAll(() => api.close());

  it('accepts a body exactly at the limit and refuses one level more', async () => {
    const settings = (leaf: string) => `{"name":"n","notificationSettings":{"sendOnFailure":{"slackConfiguration":${leaf}}}}`;
    expect((await api.post('workspaces/create', settings('{"webhook":"https://hooks.example/x"}'))).status).toBe(200);
    const deeper = await api.post('workspaces/create', settings('{"webhook":"https://hooks.example/x","extra":{}}'));
    expect(deeper.status).toBe(422);
    expect(deeper.body.details).toEqual([{ path: 'notificationSettings.sendOnFailure.slackConfiguration.extra', message: "nests deeper than 4 levels, the API's limit (PLATFORM_API_MAX_JSON_DEPTH)" }]);
  });
});

describe('findJsonProblems', () => {
  it('names array items and the root', () => {
    expect(findJsonProblems(['ok', ['\u0000']], 64)).toEqual([{ path: '(body)[1][0]', message: 'contains a NUL character (\\u0000), which cannot be stored' }]);
    expect(findJsonProblems('\ud800', 64)).toEqual([{ path: '(body)', message: 'is not valid Unicode: it contains a lone UTF-16 surrogate' }]);
    expect(findJsonProblems([[[]]], 2)).toEqual([{ path: '(body)[0][0]', message: "nests deeper than 2 levels, the API's limit (PLATFORM_API_MAX_JSON_DEPTH)" }]);
  });

  it('walks 5 million levels without recursion', () => {
    const levels = 5_000_000;
    const deep = JSON.parse('['.repeat(levels) + ']'.repeat(levels));
    expect(findJsonProblems(deep, 64)).toHaveLength(1);
  });
});
