// Issue 6, point 7: no web page can drive the local API. Each check against a real server
// on a free port: JSON-only bodies, the UI's origin only, known Host names, basic auth.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../testing/api-harness';
import { rawRequest } from '../testing/raw-request';
import { apiOptionsFromEnv } from './api-settings';
import { basicAuthenticator } from './auth';

const UI_ORIGIN = 'http://localhost:8000';
const FOREIGN_ORIGIN = 'https://evil.example';

async function workspaceNames(api: TestApi): Promise<string[]> {
  return (await api.post('workspaces/list')).body.workspaces.map((w: { name: string }) => w.name).sort();
}

describe('an open (loopback) API', () => {
  let api: TestApi;
  let port: number;
  beforeAll(async () => {
    api = await startTestApi({ api: { allowedHosts: ['airlock.internal', 'proxy.example:443'] } });
    port = Number(new URL(api.url).port);
  });
  afterAll(() => api.close());

  it.each(['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/json; charset=latin1'])(
    'refuses a %s body with 415 naming the expected type, and changes nothing',
    async (contentType) => {
      const before = await workspaceNames(api);
      const res = await rawRequest(`${api.url}/api/v1/workspaces/create`, 'POST', JSON.stringify({ name: 'created by a web page' }), { 'Content-Type': contentType });
      expect(res.status).toBe(415);
      expect(res.json).toMatchObject({ exceptionClassName: 'UnsupportedMediaTypeException' });
      expect(res.json.message).toContain('Content-Type: application/json');
      expect(await workspaceNames(api)).toEqual(before);
    },
  );

  it('refuses a body without Content-Type with 415', async () => {
    const res = await rawRequest(`${api.url}/api/v1/workspaces/create`, 'POST', '{"name":"no type"}', { 'Content-Type': '' });
    expect(res.status).toBe(415);
    expect(res.json.message).toBe('The request body has no Content-Type: send the body as JSON with "Content-Type: application/json"');
  });

  it('accepts application/json with a UTF-8 charset, and calls without a body', async () => {
    const created = await rawRequest(`${api.url}/api/v1/workspaces/create`, 'POST', '{"name":"Typed"}', { 'Content-Type': 'Application/JSON; charset="UTF-8"' });
    expect(created.status).toBe(200);
    const list = await rawRequest(`${api.url}/api/v1/workspaces/list`, 'POST', undefined, { 'Content-Type': '' });
    expect(list.status).toBe(200);
  });

  it('refuses a request from a foreign Origin with 403 and no CORS allow header, and changes nothing', async () => {
    const before = await workspaceNames(api);
    const res = await rawRequest(`${api.url}/api/v1/workspaces/create`, 'POST', '{"name":"cross-site"}', { Origin: FOREIGN_ORIGIN });
    expect(res.status).toBe(403);
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
    expect(res.json.message).toContain(`allowed origins: ${UI_ORIGIN}, http://127.0.0.1:8000`);
    expect(await workspaceNames(api)).toEqual(before);
    // Sandboxed frames and file:// pages send `Origin: null`.
    expect((await rawRequest(`${api.url}/api/v1/workspaces/list`, 'POST', '{}', { Origin: 'null' })).status).toBe(403);
  });

  it('refuses a foreign origin’s preflight and answers the UI’s with its own origin, never *', async () => {
    const preflight = (origin: string, method = 'POST') =>
      rawRequest(`${api.url}/api/v1/workspaces/create`, 'OPTIONS', undefined, { Origin: origin, 'Access-Control-Request-Method': method, 'Access-Control-Request-Headers': 'content-type, authorization' });
    const foreign = await preflight(FOREIGN_ORIGIN);
    expect(foreign.status).toBe(403);
    expect(foreign.headers['access-control-allow-origin']).toBeUndefined();
    expect(foreign.headers['access-control-allow-methods']).toBeUndefined();

    const ui = await preflight(UI_ORIGIN);
    expect(ui.status).toBe(204);
    expect(ui.headers).toMatchObject({ 'access-control-allow-origin': UI_ORIGIN, 'access-control-allow-methods': 'GET, POST', vary: 'Origin' });
    expect(ui.headers['access-control-allow-headers']).toBe('Content-Type, Authorization, X-Request-Id');
    expect((await preflight(UI_ORIGIN, 'DELETE')).status).toBe(403);

    const call = await rawRequest(`${api.url}/api/v1/workspaces/list`, 'POST', '{}', { Origin: UI_ORIGIN });
    expect(call.status).toBe(200);
    expect(call.headers['access-control-allow-origin']).toBe(UI_ORIGIN);
  });

  it('refuses a Host that is not this server (DNS rebinding) with 400, before anything runs', async () => {
    const before = await workspaceNames(api);
    for (const host of ['evil.example', `evil.example:${port}`, `localhost:${port + 1}`, `127.0.0.1.evil.example:${port}`, `localhost.:${port}`]) {
      const res = await rawRequest(`${api.url}/api/v1/workspaces/create`, 'POST', '{"name":"rebound"}', { Host: host });
      expect(res.status, host).toBe(400);
      expect(res.json).toMatchObject({ exceptionClassName: 'HostNotAllowedException' });
      expect(res.json.message).toContain('PLATFORM_API_ALLOWED_HOSTS');
    }
    expect(await workspaceNames(api)).toEqual(before);
  });

  it('answers the loopback names and the configured hosts on its port', async () => {
    for (const host of [`localhost:${port}`, `127.0.0.1:${port}`, `[::1]:${port}`, `LOCALHOST:${port}`, `airlock.internal:${port}`, 'proxy.example:443']) {
      expect((await rawRequest(`${api.url}/api/v1/workspaces/list`, 'POST', '{}', { Host: host })).status, host).toBe(200);
    }
  });
});

describe('an API with basic auth', () => {
  let api: TestApi;
  const credentials = { username: 'airbyte', password: 'correct horse' };
  const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
  beforeAll(async () => {
    api = await startTestApi({ api: { authenticators: [basicAuthenticator(credentials)] } });
  });
  afterAll(() => api.close());

  it('answers 401 with a Basic challenge without credentials or with wrong ones, and changes nothing', async () => {
    const list = await rawRequest(`${api.url}/api/v1/workspaces/list`, 'POST', '{}');
    expect(list.status).toBe(401);
    expect(list.headers['www-authenticate']).toBe('Basic realm="Airlock Config API", charset="UTF-8"');
    expect(list.json).toMatchObject({ exceptionClassName: 'UnauthorizedException' });
    for (const authorization of [basic('airbyte', 'wrong'), basic('someone', credentials.password), 'Bearer abc', 'Basic !!!']) {
      const res = await rawRequest(`${api.url}/api/v1/workspaces/create`, 'POST', '{"name":"intruder"}', { Authorization: authorization });
      expect(res.status, authorization).toBe(401);
      expect(res.json.message).toBe('Invalid credentials');
    }
    const names = await api.post('workspaces/list', undefined, { headers: { Authorization: basic(credentials.username, credentials.password) } });
    expect(names.body.workspaces.map((w: { name: string }) => w.name)).toEqual(['default']);
  });

  it('answers 200 with the credentials', async () => {
    const res = await rawRequest(`${api.url}/api/v1/workspaces/create`, 'POST', '{"name":"Authenticated"}', { Authorization: basic(credentials.username, credentials.password) });
    expect(res.status).toBe(200);
    expect(res.json.name).toBe('Authenticated');
  });

  it('keeps /health open for probes', async () => {
    expect((await rawRequest(`${api.url}/api/v1/health`, 'GET')).status).toBe(200);
  });

  it('serves /metrics only with the credentials (it names the connections)', async () => {
    expect((await rawRequest(`${api.url}/metrics`, 'GET')).status).toBe(401);
    const res = await rawRequest(`${api.url}/metrics`, 'GET', undefined, { Authorization: basic(credentials.username, credentials.password) });
    expect(res.status).toBe(200);
    expect(res.text).toContain('# TYPE airlock_jobs_running gauge');
  });
});

describe('API settings from the environment', () => {
  it('serves loopback binds without auth and anything else with basic auth by default', () => {
    expect(apiOptionsFromEnv({}).authenticators).toEqual([]);
    expect(apiOptionsFromEnv({ PLATFORM_API_HOST: '::1' }).authenticators).toEqual([]);
    expect(apiOptionsFromEnv({ PLATFORM_API_HOST: '0.0.0.0', BASIC_AUTH_USERNAME: 'u', BASIC_AUTH_PASSWORD: 'p' }).authenticators).toHaveLength(1);
    expect(apiOptionsFromEnv({ PLATFORM_API_AUTH: 'basic', BASIC_AUTH_USERNAME: 'u', BASIC_AUTH_PASSWORD: 'p' }).authenticators).toHaveLength(1);
    expect(apiOptionsFromEnv({ PLATFORM_API_HOST: '0.0.0.0', PLATFORM_API_AUTH: 'none' }).authenticators).toEqual([]);
  });

  it('refuses to start without credentials when auth is on, and names bad values', () => {
    expect(() => apiOptionsFromEnv({ PLATFORM_API_HOST: '0.0.0.0' })).toThrow(
      'basic auth is on (PLATFORM_API_AUTH=auto, bound to 0.0.0.0) but BASIC_AUTH_USERNAME is not set; set both, or PLATFORM_API_AUTH=none to serve without authentication',
    );
    expect(() => apiOptionsFromEnv({ PLATFORM_API_AUTH: 'basic', BASIC_AUTH_USERNAME: 'u' })).toThrow(/BASIC_AUTH_PASSWORD is not set/);
    expect(() => apiOptionsFromEnv({ PLATFORM_API_AUTH: 'sometimes' })).toThrow('PLATFORM_API_AUTH: "sometimes" must be one of auto, basic, none');
    expect(() => apiOptionsFromEnv({ PLATFORM_API_ALLOWED_ORIGINS: 'localhost:8000/app' })).toThrow(/PLATFORM_API_ALLOWED_ORIGINS: .* is not an origin/);
    expect(() => apiOptionsFromEnv({ PLATFORM_API_MAX_JSON_DEPTH: '0' })).toThrow('PLATFORM_API_MAX_JSON_DEPTH: "0" is not a positive whole number');
  });

  it('reads the allowed hosts and origins as comma-separated lists', () => {
    const options = apiOptionsFromEnv({ PLATFORM_API_ALLOWED_HOSTS: 'a.example, b.example', PLATFORM_API_ALLOWED_ORIGINS: 'http://localhost:18000' });
    expect(options).toMatchObject({ allowedHosts: ['a.example', 'b.example'], allowedOrigins: ['http://localhost:18000'] });
  });
});
