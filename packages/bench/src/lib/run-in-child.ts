// Runs one module's `run(input)` in a child process of its own, so its peak RSS and time are
// its alone: nothing the parent holds (services' clients, earlier pipelines) is counted.
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ChildReply, ChildRequest } from './child-entry';

/** A module runnable in a child: one exported `run` taking and returning structured-clonable data. */
export interface ChildModule {
  run(input: never): Promise<unknown>;
}

export interface ChildRun<O> {
  output: O;
  /** Time spent inside `run`, without process start or module loading. */
  seconds: number;
  /** User + system CPU time of the child during `run`, all its threads: less sensitive to other load than `seconds`. */
  cpuSeconds: number;
  /** RSS once the module is loaded, just before `run`: Node, the loader and the module's code. */
  startRssBytes: number;
  /** The child's high-water resident set (VmHWM), in bytes. */
  peakRssBytes: number;
}

const CHILD_ENTRY = fileURLToPath(new URL('./child-entry.ts', import.meta.url));

export function runInChild<M extends ChildModule>(
  moduleUrl: URL,
  input: Parameters<M['run']>[0],
): Promise<ChildRun<Awaited<ReturnType<M['run']>>>> {
  // fork() reuses this process's execArgv, which carries tsx's loader, so the child runs .ts too.
  const child = fork(CHILD_ENTRY, { serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const request: ChildRequest = { moduleUrl: moduleUrl.href, input };
  child.send(request);
  return new Promise((resolve, reject) => {
    let reply: ChildReply | undefined;
    child.on('message', (message) => (reply = message as ChildReply));
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (reply?.ok) {
        const { output, seconds, cpuSeconds, startRssBytes, peakRssKb } = reply;
        resolve({ output: output as Awaited<ReturnType<M['run']>>, seconds, cpuSeconds, startRssBytes, peakRssBytes: peakRssKb * 1024 });
      } else {
        const cause = reply ? reply.error : `exited with ${signal ?? `code ${code}`} before replying`;
        reject(new Error(`${fileURLToPath(moduleUrl)} in a child process: ${cause}`));
      }
    });
  });
}
