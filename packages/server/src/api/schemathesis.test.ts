// Issue 6, point 8: schemathesis (PyPI) fuzzes every operation of the server's OpenAPI
// document, valid and invalid bodies alike, and no answer may be a 5xx. The document is the
// one the server serves, with the ids of objects that exist as examples, so generated calls
// reach the handlers rather than stopping at 404. The run is bounded (examples per
// operation, one worker) and seeded, so CI repeats it exactly; SCHEMATHESIS_SEED /
// SCHEMATHESIS_MAX_EXAMPLES explore further by hand.
// schemathesis lives in its own venv: `bash scripts/install-schemathesis.sh` (bootstrap runs it).
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { parse, stringify } from 'yaml';
import { startTestApi, type TestApi } from '../testing/api-harness';
import { FAKE_DESTINATION_ID, FAKE_SOURCE_ID, useTestConnectors } from '../testing/fake-connectors';

const SCHEMATHESIS = fileURLToPath(new URL('../../../../.tools/schemathesis/bin/schemathesis', import.meta.url));
const MAX_EXAMPLES = process.env.SCHEMATHESIS_MAX_EXAMPLES ?? '15';
const SEED = process.env.SCHEMATHESIS_SEED ?? '6';

let api: TestApi;
let workDir: string;
beforeAll(async () => {
  // Only the in-process fake connectors: a generated config must never make a real
  // connector reach out to whatever host the fuzzer invented.
  api = await startTestApi({
    connectorDefinitions: useTestConnectors().filter((d) => d.name.endsWith('-fake')),
    connectorTimeouts: { checkMs: 2_000, discoverMs: 2_000 },
  });
  workDir = mkdtempSync(path.join(tmpdir(), 'schemathesis-'));
});
afterAll(async () => {
  await api?.close();
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

/** Creates one object of each kind and returns the served document with their ids as examples. */
async function documentWithExistingIds(api: TestApi): Promise<string> {
  const ok = <T>(res: { status: number; body: T }) => {
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body as any;
  };
  const workspaceId = ok(await api.post('workspaces/list')).workspaces[0].workspaceId;
  const { sourceId } = ok(await api.post('sources/create', { workspaceId, name: 'fuzzed source', sourceDefinitionId: FAKE_SOURCE_ID, connectionConfiguration: { api_key: 'k' } }));
  const { destinationId } = ok(await api.post('destinations/create', { workspaceId, name: 'fuzzed destination', destinationDefinitionId: FAKE_DESTINATION_ID, connectionConfiguration: {} }));
  const streams = [{ stream: { name: 'customers', namespace: 'public' }, config: { syncMode: 'full_refresh', destinationSyncMode: 'overwrite', selected: true } }];
  const { connectionId } = ok(await api.post('connections/create', { sourceId, destinationId, syncCatalog: { streams } }));
  const jobId = ok(await api.post('connections/sync', { connectionId })).job.id;

  const document = parse(await (await fetch(`${api.url}/api/v1/openapi.yaml`)).text());
  const examples: Record<string, unknown> = {
    WorkspaceId: workspaceId,
    SourceDefinitionId: FAKE_SOURCE_ID,
    DestinationDefinitionId: FAKE_DESTINATION_ID,
    SourceId: sourceId,
    DestinationId: destinationId,
    ConnectionId: connectionId,
    JobId: jobId,
  };
  for (const [name, example] of Object.entries(examples)) document.components.schemas[name].example = example;
  const file = path.join(workDir, 'openapi.yaml');
  writeFileSync(file, stringify(document));
  return file;
}

test('no request generated from openapi.yaml gets a 5xx (schemathesis, not_a_server_error)', async () => {
  expect(existsSync(SCHEMATHESIS), `${SCHEMATHESIS} is missing: run \`bash scripts/install-schemathesis.sh\` (scripts/bootstrap.sh does)`).toBe(true);
  const args = [
    'run',
    await documentWithExistingIds(api),
    '--url', `${api.url}/api`,
    '--checks', 'not_a_server_error',
    '--phases', 'examples,coverage,fuzzing',
    '--max-examples', MAX_EXAMPLES,
    '--seed', SEED,
    '--workers', '1',
    '--no-color',
  ];
  const { code, output } = await new Promise<{ code: number; output: string }>((resolve) => {
    execFile(SCHEMATHESIS, args, { cwd: workDir, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, NO_COLOR: '1' } }, (error, stdout, stderr) =>
      resolve({ code: error ? Number(error.code ?? 1) : 0, output: `${stdout}${stderr}` }),
    );
  });
  const serverErrors = api.logLines.filter((line) => line.includes('"level":"error"'));
  expect(serverErrors, 'the server logged errors while fuzzed').toEqual([]);
  expect(code, output.slice(output.indexOf('FAILURES') >= 0 ? output.indexOf('FAILURES') - 40 : -4000)).toBe(0);
  expect(output).toMatch(/Test cases:\s+\d+ generated/);
}, 600_000);
