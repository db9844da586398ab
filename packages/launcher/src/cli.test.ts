// The CLI's refusals, each before anything is started: they must name what to fix.
import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, test } from 'vitest';
import { freePorts } from '@platform/services';

const BIN = fileURLToPath(new URL('../bin/platform.mjs', import.meta.url));

function platform(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { timeout: 60_000 }, (error, stdout, stderr) =>
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

test('`up --runtime docker` is refused with a clear message', async () => {
  const result = await platform(['up', '--runtime', 'docker', '--state-dir', stateDir()]);
  expect(result.code).toBe(1);
  expect(result.stderr).toContain('error: the docker runtime is not available yet');
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
