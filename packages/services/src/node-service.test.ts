import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { spawnNodeEntry, startNodeService } from './node-service.js';
import { freePort } from './ports.js';
import { isPidAlive } from './process.js';
import { wait } from './wait.js';

const ENTRY = fileURLToPath(new URL('./fixtures/node-entry.ts', import.meta.url));
const dir = mkdtempSync(path.join(tmpdir(), 'node-service-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const options = (name: string, env: Record<string, string>) => ({
  name,
  entry: ENTRY,
  env: { ...process.env, ...env },
  output: { logFile: path.join(dir, `${name}.log`) },
  stopGraceMs: 5_000,
  readyTimeoutMs: 30_000,
});

describe('Node entry services', () => {
  it('start a TypeScript entry, ready once its port listens, its HTTP answers and its log says so', async () => {
    const port = await freePort();
    const ready = wait.all(wait.forListeningPorts('127.0.0.1', port), wait.forHttp(`http://127.0.0.1:${port}/`), wait.forLogMessage(/^ready$/m));
    const service = await startNodeService({ ...options('listen', { FIXTURE_MODE: 'listen', FIXTURE_PORT: String(port) }), ready });
    expect(service.logs.logSince()).toContain('starting (TypeScript)');
    await service.stop();
    expect(await service.exited).toBe('killed by SIGTERM');
  });

  it('fail a start when the process dies first, with how it ended and its last log lines', async () => {
    const start = startNodeService({ ...options('crash', { FIXTURE_MODE: 'crash' }), ready: wait.forLogMessage(/never/) });
    await expect(start).rejects.toThrow(/crash exited with code 3 while starting; last log lines:\n.*cannot start: the fixture was told to fail/);
  });

  it('stop one that ignores SIGTERM with SIGKILL after the grace', async () => {
    const port = await freePort();
    const service = await startNodeService({
      ...options('stubborn', { FIXTURE_MODE: 'listen', FIXTURE_PORT: String(port), FIXTURE_IGNORE_TERM: '1' }),
      stopGraceMs: 500,
      ready: wait.forLogMessage(/^ready$/m),
    });
    await service.stop();
    expect(await service.exited).toBe('killed by SIGKILL');
    expect(readFileSync(path.join(dir, 'stubborn.log'), 'utf8')).toContain('ignoring SIGTERM');
    expect(isPidAlive(service.pid)).toBe(false);
  });

  it('a log line seen before this start does not make it ready', async () => {
    // stubborn.log already holds "ready" from the test before.
    const start = startNodeService({ ...options('stubborn', { FIXTURE_MODE: 'crash' }), ready: wait.forLogMessage(/^ready$/m) });
    await expect(start).rejects.toThrow(/exited with code 3 while starting/);
  });

  it('talk to a piped entry over stdin and stdout', async () => {
    const child = spawnNodeEntry({ name: 'echo', entry: ENTRY, env: { ...process.env, FIXTURE_MODE: 'echo' }, output: 'pipe', stopGraceMs: 0 });
    child.stdin.write('hello\n');
    const [line] = (await once(readline.createInterface({ input: child.stdout }), 'line')) as [string];
    expect(line).toBe('HELLO');
    await child.stop();
    expect(await child.ended).toEqual({ code: null, signal: 'SIGKILL' });
  });
});

describe('forLogMessage', () => {
  it('counts the lines it waits for, and needs the process whose log it reads', async () => {
    let log = 'ready\n';
    const target = { logSince: () => log };
    setTimeout(() => (log += 'ready\n'), 200);
    await wait.forLogMessage(/ready/, 2).waitUntilReady(5_000, undefined, target);
    await expect(wait.forLogMessage(/ready/, 3).waitUntilReady(300, undefined, target)).rejects.toThrow(/log line matching \/ready\/ 3 times was not ready after 300 ms \(last error: seen 2 of 3 times\)/);
    await expect(wait.forLogMessage(/ready/).waitUntilReady(300)).rejects.toThrow(/needs the process whose log it reads/);
  });
});
