import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, test } from 'vitest';
import { isPidAlive, waitForExit } from '@platform/services';
import { cleanStaleRun, readRunFile, writeRunFile, type RunFile } from './run-file';

test('a stale run file is removed, and only the processes it still recognises are stopped', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'run-file-'));
  const file = path.join(dir, 'supervisor.json');
  const leftover = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)', dir], { stdio: 'ignore' });
  const stranger = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  try {
    const run = {
      supervisorPid: 999_999_999,
      services: [
        { name: 'server', pid: leftover.pid!, commandMatch: dir },
        // A reused pid: alive, but not ours.
        { name: 'worker', pid: stranger.pid!, commandMatch: path.join(dir, 'not-this') },
      ],
    } as unknown as RunFile;
    writeRunFile(file, run);
    expect(readRunFile(file)).toEqual(run);

    expect(await cleanStaleRun(file, run)).toEqual([`server (pid ${leftover.pid})`]);
    expect(await waitForExit(leftover.pid!, 5_000)).toBe(true);
    expect(isPidAlive(stranger.pid!)).toBe(true);
    expect(existsSync(file)).toBe(false);
  } finally {
    leftover.kill('SIGKILL');
    stranger.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
});
