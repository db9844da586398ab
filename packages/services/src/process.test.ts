import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import readline from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { expect, test } from 'vitest';
import { exitOf, isPidAlive, stopPid, stopProcess, waitForExit } from './process.js';

const stateOf = (pid: number) => readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1][0];

test('a zombie (dead, not yet reaped by its parent) is not alive', async () => {
  // The forked child ends at once; its Python parent never waits for it (a shell may reap it before it is seen).
  const parent = spawn('python3', ['-c', 'import os, sys, time\npid = os.fork()\nif pid == 0: os._exit(0)\nprint(pid, flush=True)\ntime.sleep(30)'], {
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  try {
    const [line] = (await once(readline.createInterface({ input: parent.stdout! }), 'line')) as [string];
    const zombie = Number(line);
    while (stateOf(zombie) !== 'Z') await sleep(20);
    expect(() => process.kill(zombie, 0)).not.toThrow(); // kill(0) alone would call it alive
    expect(isPidAlive(zombie)).toBe(false);
    expect(isPidAlive(parent.pid!)).toBe(true);
  } finally {
    parent.kill('SIGKILL');
  }
});

test('exitOf describes how a child ended, also when asked after the fact', async () => {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  const exited = exitOf(child);
  child.kill('SIGKILL');
  expect(await exited).toBe('killed by SIGKILL');
  expect(await exitOf(child)).toBe('killed by SIGKILL');
  const failing = spawn(process.execPath, ['-e', 'process.exit(3)'], { stdio: 'ignore' });
  await once(failing, 'exit');
  expect(await exitOf(failing)).toBe('exited with code 3');
});

test('stop-with-grace: SIGKILL only for a process that ignores the signal', async () => {
  const stubborn = spawn(process.execPath, ['-e', "process.on('SIGTERM', () => {}); console.log('ready'); setInterval(() => {}, 1000)"], {
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  await once(readline.createInterface({ input: stubborn.stdout! }), 'line');
  await stopProcess(stubborn, 200);
  expect(stubborn.signalCode).toBe('SIGKILL');

  const polite = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  await stopPid(polite.pid!, 'SIGTERM', 10_000);
  expect(await waitForExit(polite.pid!, 5_000)).toBe(true);
  expect(await exitOf(polite)).toBe('killed by SIGTERM');
  await stopPid(polite.pid!); // already gone: nothing to do, no ESRCH
});
