import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../testing/api-harness';
import { useTestConnectors } from '../testing/fake-connectors';
import { rawRequest } from '../testing/raw-request';

describe('HTTP transport', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi({ connectorDefinitions: useTestConnectors() });
  });
  afterAll(() => api.close());

  it('answers health with available: true', async () => {
    const res = await fetch(`${api.url}/api/v1/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ available: true, dependencies: { database: { available: true } } });
  });

  it('serves the OpenAPI document', async () => {
    const res = await fetch(`${api.url}/api/v1/openapi.yaml`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/yaml');
    expect(await res.text()).toContain('/v1/connections/create:');
  });

  it('accepts GET with a JSON body on RPC routes, as the guide\'s curl -X GET does', async () => {
    const res = await rawRequest(`${api.url}/api/v1/sources/list`, 'GET', '{}');
    expect(res.status).toBe(200);
    expect(JSON.parse(res.text)).toEqual({ sources: [] });
  });

  it('answers malformed JSON with 400 naming the parse problem', async () => {
    const res = await api.post('sources/list', '{"workspaceId": ');
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(/^Malformed JSON in request body: /);
    expect(res.body.message).toMatch(/JSON/);
  });

  it('answers a wrong type with 422 and the field path', async () => {
    const res = await api.post('sources/create', { sourceDefinitionId: 'decd338e-5647-4c0b-adf4-da0e75f5a750', name: 42, connectionConfiguration: {} });
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ message: 'Invalid request body', exceptionClassName: 'InvalidInputException' });
    expect(res.body.details).toContainEqual({ path: 'name', message: 'must be string' });
  });

  it('answers a missing field with 422 and the field path', async () => {
    const res = await api.post('sources/create', { name: 'x', connectionConfiguration: {} });
    expect(res.status).toBe(422);
    expect(res.body.details).toEqual([{ path: 'sourceDefinitionId', message: 'is required' }]);
  });

  it('names nested array paths and the allowed values of an enum', async () => {
    const res = await api.post('connections/create', {
      sourceId: '3f0b0c4e-0000-4000-8000-000000000001',
      destinationId: '3f0b0c4e-0000-4000-8000-000000000002',
      syncCatalog: { streams: [{ stream: { name: 'customers' }, config: { syncMode: 'sometimes', destinationSyncMode: 'append' } }] },
    });
    expect(res.status).toBe(422);
    expect(res.body.details).toEqual([{ path: 'syncCatalog.streams[0].config.syncMode', message: 'must be one of full_refresh, incremental' }]);
  });

  it('answers a required body that is missing with 422', async () => {
    const res = await api.post('sources/get');
    expect(res.status).toBe(422);
    expect(res.body.details).toEqual([{ path: '(body)', message: 'is required: send a JSON object' }]);
  });

  it('answers a non-UUID id with 422 rather than a database error', async () => {
    const res = await api.post('connections/get', { connectionId: 'connection-id' });
    expect(res.status).toBe(422);
    expect(res.body.details).toEqual([{ path: 'connectionId', message: 'must match format "uuid"' }]);
  });

  it('answers an unknown id with 404 and Airbyte\'s exception class', async () => {
    const id = '3f0b0c4e-0000-4000-8000-00000000dead';
    const res = await api.post('connections/get', { connectionId: id });
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ message: `Could not find connection with id ${id}`, exceptionClassName: 'ConfigNotFoundException', id });
  });

  it('answers unknown endpoints with 404 JSON and wrong methods with 405', async () => {
    const unknown = await api.post('sources/frobnicate', {});
    expect(unknown.status).toBe(404);
    expect(unknown.body.message).toContain('Unknown endpoint POST /api/v1/sources/frobnicate');
    const put = await rawRequest(`${api.url}/api/v1/sources/list`, 'PUT', '{}');
    expect(put.status).toBe(405);
    expect(put.headers.allow).toBe('POST, GET, OPTIONS');
  });

  it('allows cross-origin calls from the web UI', async () => {
    const preflight = await rawRequest(`${api.url}/api/v1/connections/list`, 'OPTIONS', undefined, {
      Origin: 'http://localhost:8000',
      'Access-Control-Request-Method': 'POST',
      'Access-Control-Request-Headers': 'content-type',
    });
    expect(preflight.status).toBe(204);
    // The UI's own origin, never `*` (any page could then drive the API).
    expect(preflight.headers['access-control-allow-origin']).toBe('http://localhost:8000');
    expect(preflight.headers['access-control-allow-methods']).toContain('POST');
    const res = await fetch(`${api.url}/api/v1/workspaces/list`, { method: 'POST', headers: { Origin: 'http://localhost:8000' } });
    expect(res.headers.get('access-control-allow-origin')).toBe('http://localhost:8000');
  });

  it('answers a request target that is no URL with 400, not 500', async () => {
    const { port } = new URL(api.url);
    const statusLine = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(port), '127.0.0.1', () => socket.write(`GET http://[ HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n`));
      let answer = '';
      socket.on('data', (chunk) => (answer += chunk));
      socket.on('close', () => resolve(answer.split('\r\n')[0]));
      socket.on('error', reject);
    });
    expect(statusLine).toBe('HTTP/1.1 400 Bad Request');
  });

  it('answers 413 for an oversized body', async () => {
    const res = await api.post('sources/list', JSON.stringify({ workspaceId: 'x'.repeat(11 * 1024 * 1024) }));
    expect(res.status).toBe(413);
  });
});
