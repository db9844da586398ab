import { spawn } from 'node:child_process';
import { expect, test } from 'vitest';
import { endOf, stopProcess } from './process.js';
import { childPids, processTreeMemoryMiB } from './process-tree.js';

test('finds a process’s children and counts their memory with its own', async () => {
  const parent = spawn('sh', ['-c', 'sleep 30 & sleep 30 & wait'], { stdio: 'ignore' });
  let children: number[] = [];
  try {
    while (children.length < 2) children = childPids(parent.pid!);
    expect(children).toHaveLength(2);
    const own = processTreeMemoryMiB(children[0])!;
    const tree = processTreeMemoryMiB(parent.pid!)!;
    expect(own).toBeGreaterThan(0);
    expect(tree).toBeGreaterThan(own);
    expect(processTreeMemoryMiB(2 ** 22 + 1)).toBeUndefined(); // above Linux's pid_max: no such process
  } finally {
    for (const child of children) process.kill(child, 'SIGKILL');
    await stopProcess(parent, 1_000, 'SIGKILL');
    await endOf(parent);
  }
});
