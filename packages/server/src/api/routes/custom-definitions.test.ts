// create_custom / update / delete / list_for_workspace for source and destination definitions,
// and their clear errors. Installs are prepared by hand here (a virtualenv directory already
// marked installed, whose console script is our fixture connector), so only the unknown-package
// case asks PyPI; pypi-connector.test.ts installs a real package from PyPI.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findDefinition } from '@platform/connectors';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../../testing/api-harness';
import { preinstallConnector } from '../../testing/custom-connectors';

let dir: string;
let api: TestApi;
let noInstalls: TestApi;
const dockerHost = process.env.DOCKER_HOST;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'airlock-custom-definitions-'));
  await preinstallConnector(dir, 'source-airlocktest', '1.0.0');
  await preinstallConnector(dir, 'source-airlocktest', '1.1.0');
  await preinstallConnector(dir, 'destination-airlocktest', '0.1.0');
  await preinstallConnector(dir, 'source-notaconnector', '1.0.0', 'echo "hello, I am not a connector"');
  // No engine where the docker client looks (this machine has none either): Docker images are refused.
  process.env.DOCKER_HOST = `unix://${join(dir, 'docker.sock')}`;
  [api, noInstalls] = await Promise.all([startTestApi({ connectorsDir: dir }), startTestApi()]);
}, 60_000);
afterAll(async () => {
  await Promise.all([api?.close(), noInstalls?.close()]);
  await rm(dir, { recursive: true, force: true });
  if (dockerHost === undefined) delete process.env.DOCKER_HOST;
  else process.env.DOCKER_HOST = dockerHost;
});

const source = (dockerRepository: string, dockerImageTag: string) => ({ sourceDefinition: { name: 'Test source', dockerRepository, dockerImageTag } });

describe('custom connector definitions', () => {
  it('registers a source, lists it for its workspace, serves its spec, runs its check, updates and deletes it', async () => {
    const created = await api.post('source_definitions/create_custom', source('airbyte/source-airlocktest', '1.0.0'));
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({ name: 'Test source', dockerRepository: 'airbyte/source-airlocktest', dockerImageTag: '1.0.0', custom: true });
    const id = created.body.sourceDefinitionId;

    const listed = await api.post('source_definitions/list_for_workspace', {});
    expect(listed.body.sourceDefinitions.map((d: any) => d.sourceDefinitionId)).toEqual(expect.arrayContaining([id, findDefinition('source-postgres')!.id]));
    expect(listed.body.sourceDefinitions.find((d: any) => d.sourceDefinitionId === findDefinition('source-postgres')!.id).custom).toBe(false);
    const spec = await api.post('source_definition_specifications/get', { sourceDefinitionId: id });
    expect(spec.body.connectionSpecification.properties.api_key).toEqual({ type: 'string', airbyte_secret: true });

    const actor = await api.post('sources/create', { sourceDefinitionId: id, connectionConfiguration: { api_key: 'good' }, name: 'fixture' });
    expect(actor.status).toBe(200);
    expect(actor.body.connectionConfiguration.api_key).toBe('**********');
    expect((await api.post('sources/check_connection', { sourceId: actor.body.sourceId })).body.status).toBe('succeeded');
    const discovered = await api.post('sources/discover_schema', { sourceId: actor.body.sourceId });
    expect(discovered.body.catalog.streams.map((s: any) => s.stream.name)).toEqual(['items']);

    const updated = await api.post('source_definitions/update', { sourceDefinitionId: id, dockerImageTag: '1.1.0' });
    expect(updated.status).toBe(200);
    expect(updated.body.dockerImageTag).toBe('1.1.0');
    expect((await api.post('source_definitions/get', { sourceDefinitionId: id })).body.dockerImageTag).toBe('1.1.0');

    expect((await api.post('source_definitions/delete', { sourceDefinitionId: id })).status).toBe(204);
    expect((await api.post('source_definitions/get', { sourceDefinitionId: id })).status).toBe(404);
    expect((await api.post('source_definitions/list', {})).body.sourceDefinitions.map((d: any) => d.sourceDefinitionId)).not.toContain(id);
    expect((await api.post('source_definitions/delete', { sourceDefinitionId: id })).status).toBe(404);
  });

  it('registers a destination', async () => {
    const created = await api.post('destination_definitions/create_custom', { destinationDefinition: { name: 'Test destination', dockerRepository: 'airbyte/destination-airlocktest', dockerImageTag: '0.1.0' } });
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({ dockerRepository: 'airbyte/destination-airlocktest', custom: true });
    const listed = await api.post('destination_definitions/list_for_workspace', {});
    expect(listed.body.destinationDefinitions.map((d: any) => d.destinationDefinitionId)).toContain(created.body.destinationDefinitionId);
  });

  it('refuses a repository or tag it cannot map to PyPI, naming the field', async () => {
    const repo = await api.post('source_definitions/create_custom', source('mycompany/source-x', '1.0.0'));
    expect(repo.status).toBe(422);
    expect(repo.body.details).toEqual([{ path: 'sourceDefinition.dockerRepository', message: expect.stringContaining('airbyte/source-<name>') }]);
    const tag = await api.post('source_definitions/create_custom', source('airbyte/source-airlocktest', 'latest'));
    expect(tag.status).toBe(422);
    expect(tag.body.message).toBe('sourceDefinition.dockerImageTag must be a released version such as 7.2.1 (the PyPI version of airbyte-source-airlocktest)');
    const kind = await api.post('source_definitions/create_custom', source('airbyte/destination-airlocktest', '0.1.0'));
    expect(kind.status).toBe(422);
    expect(kind.body.message).toContain('names a destination');
  });

  it('refuses a Docker image at once where no Docker engine answers, naming the fix', async () => {
    const res = await api.post('source_definitions/create_custom', source('mycompany/source-x', '1.0.0'));
    expect(res.status).toBe(422);
    const message = `mycompany/source-x:1.0.0 is a Docker image (not airbyte/source-<name>, which the platform installs from PyPI), and no Docker engine answers (Cannot connect to the Docker daemon at unix://${join(dir, 'docker.sock')}. Is the docker daemon running?): start Docker or point DOCKER_HOST at an engine, or register the connector's PyPI package as airbyte/source-<name> with its PyPI version`;
    expect(res.body.message).toBe(message);
    expect(res.body.details).toEqual([{ path: 'sourceDefinition.dockerRepository', message }]);
    const tag = await api.post('destination_definitions/create_custom', { destinationDefinition: { name: 'd', dockerRepository: 'ghcr.io/acme/destination-y', dockerImageTag: 'not a tag' } });
    expect(tag.status).toBe(422);
    expect(tag.body.message).toBe('destinationDefinition.dockerImageTag must be an image tag such as 1.0.0');
  });

  it('refuses a program that does not answer spec, saying what it printed', async () => {
    const res = await api.post('source_definitions/create_custom', source('airbyte/source-notaconnector', '1.0.0'));
    expect(res.status).toBe(422);
    expect(res.body.message).toBe(
      'source-notaconnector (airbyte-source-notaconnector==1.0.0) does not answer spec as an Airbyte connector: source-notaconnector broke the Airbyte Protocol on stdout line 1: malformed JSON (Unexpected token \'h\', "hello, I a"... is not valid JSON)',
    );
  });

  it('refuses a package PyPI does not have, with pip\'s message', async () => {
    const res = await api.post('source_definitions/create_custom', source('airbyte/source-airlock-no-such-connector', '0.0.1'));
    expect(res.status).toBe(422);
    expect(res.body.message).toMatch(/^PyPI has no package airbyte-source-airlock-no-such-connector==0\.0\.1 \(pip: .*No matching distribution found for airbyte-source-airlock-no-such-connector==0\.0\.1/);
  }, 120_000);

  it('refuses built-in definitions for update and delete, and create_custom where no connectors directory is set', async () => {
    const builtIn = await api.post('source_definitions/delete', { sourceDefinitionId: findDefinition('source-postgres')!.id });
    expect(builtIn.status).toBe(422);
    expect(builtIn.body.message).toContain('is built in');
    const off = await noInstalls.post('source_definitions/create_custom', source('airbyte/source-airlocktest', '1.0.0'));
    expect(off.status).toBe(422);
    expect(off.body.message).toContain('no connectors directory');
  });
});
