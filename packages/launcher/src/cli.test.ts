// The CLI's refusals, each before anything is started: they must name what to fix.
import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, test } from 'vitest';
import { freePorts } from '@platform/services';
import { DEFAULT_CONFIG_DIR } from './config';

const BIN = fileURLToPath(new URL('../bin/platform.mjs', import.meta.url));

function platform(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { timeout: 60_000, env: { ...process.env, ...env } }, (error, stdout, stderr) =>
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

const dirs: string[] = [];
const stateDir = () => {
  dirs.push(mkdtempSync(path.join(tmpdir(), 'launcher-cli-')));
  return dirs.at(-1)!;
};
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

test('`status` of a state folder that never ran says so and exits non-zero', async () => {
  const result = await platform(['status', '--state-dir', stateDir()]);
  expect(result).toMatchObject({ code: 1, stdout: expect.stringMatching(/^not running/) });
});

test('`status` recognises a stale run file whose supervisor is gone', async () => {
  const dir = stateDir();
  mkdirSync(path.join(dir, 'run'));
  writeFileSync(path.join(dir, 'run', 'supervisor.json'), JSON.stringify({ supervisorPid: 999_999_999, services: [] }));
  const result = await platform(['status', '--state-dir', dir]);
  expect(result.code).toBe(1);
  expect(result.stdout).toMatch(/stale run file .*supervisor pid 999999999 is gone.*platform up/);
});

test('`up --runtime docker` with no engine answering writes compose/, then fails naming the fix', async () => {
  // A copy of config/, so that compose/ is written beside it and not into the repository.
  const root = stateDir();
  cpSync(DEFAULT_CONFIG_DIR, path.join(root, 'config'), { recursive: true });
  const result = await platform(['up', '--runtime', 'docker', '--config-dir', path.join(root, 'config'), '--state-dir', path.join(root, 'state')], {
    DOCKER_HOST: `unix://${path.join(root, 'no-engine.sock')}`,
  });
  expect(result.code).toBe(1);
  expect(result.stderr).toContain(`error: no Docker engine answers at unix://${path.join(root, 'no-engine.sock')}`);
  expect(result.stderr).toContain('use the embedded runtime: pnpm platform up --runtime embedded');
  expect(readFileSync(path.join(root, 'compose', 'docker-compose.yml'), 'utf8')).toContain('image: dremio/dremio-oss:');
  expect(statSync(path.join(root, 'compose', '.env')).mode & 0o777).toBe(0o600);
});

test('`up` with runtime auto and no engine answering says so and takes the embedded runtime', async () => {
  const root = stateDir();
  // A taken API port stops the embedded runtime's preflight before anything starts.
  const holder = net.createServer().listen(0, '127.0.0.1');
  await once(holder, 'listening');
  try {
    const api = (holder.address() as net.AddressInfo).port;
    const result = await platform(['up', '--runtime', 'auto', '--state-dir', root, '--api-port', String(api)], { DOCKER_HOST: `unix://${path.join(root, 'no-engine.sock')}` });
    expect(result.stderr).toMatch(/runtime auto: embedded, no Docker engine answers \(.*no-engine\.sock/);
    expect(result.stderr).toContain('Starting the platform (embedded runtime');
    expect(result.stderr).toContain(`error: port ${api} (ports.api in config/platform.yaml) is already in use`);
  } finally {
    holder.close();
  }
});

test('`up` with a taken port names the port, its config key and the flag to change it', async () => {
  const [api, postgres, s3] = await freePorts(3);
  const holder = net.createServer().listen(api, '127.0.0.1');
  await once(holder, 'listening');
  try {
    const result = await platform(['up', '--state-dir', stateDir(), '--api-port', String(api), '--postgres-port', String(postgres), '--s3-port', String(s3)]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`error: port ${api} (ports.api in config/platform.yaml) is already in use`);
    expect(result.stderr).toContain('--api-port <port>');
  } finally {
    holder.close();
  }
});

test('after `up --runtime docker`, `status` follows the docker runtime, and `down --volumes` asks before removing data', async () => {
  const dir = stateDir();
  mkdirSync(path.join(dir, 'run'));
  // What `up --runtime docker` leaves in the state folder.
  writeFileSync(path.join(dir, 'run', 'docker.json'), JSON.stringify({ runtime: 'docker', project: 'airlock', composeFile: path.join(dir, 'docker-compose.yml'), composeDir: dir, startedAt: new Date().toISOString() }));
  const noEngine = { DOCKER_HOST: `unix://${path.join(dir, 'no-engine.sock')}` };
  const status = await platform(['status', '--state-dir', dir], noEngine);
  expect(status.code).toBe(1);
  expect(status.stderr).toContain('error: no Docker engine answers at unix://');
  // No terminal to confirm on, no --yes: nothing is removed.
  const down = await platform(['down', '--volumes', '--state-dir', dir], noEngine);
  expect(down.code).toBe(1);
  expect(down.stderr).toContain('down --volumes needs a confirmation: run it in a terminal, or add --yes');
  expect(down.stderr).toContain('Nothing removed');
});

test('`connectors add` refuses a package that is not a pinned Airbyte connector, and needs a running platform', async () => {
  const bad = await platform(['connectors', 'add', 'requests', '--state-dir', stateDir()]);
  expect(bad).toMatchObject({ code: 1, stderr: expect.stringContaining('"requests" is not an Airbyte connector package pinned to a version') });
  const down = await platform(['connectors', 'add', 'airbyte-source-faker==7.2.1', '--state-dir', stateDir()]);
  expect(down).toMatchObject({ code: 1, stderr: expect.stringContaining('the platform is not running') });
});
