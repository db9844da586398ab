// An external connector's memory limit on a local process: RLIMIT_AS (address space), set by
// the shell's `ulimit -v` just before it execs the program (Node cannot set rlimits on spawn;
// exec keeps the pid, so signals still reach the program itself). An allocation past the limit
// fails inside the program (Python's MemoryError, ENOMEM, a C++ bad_alloc) instead of the
// machine swapping or the kernel's OOM killer picking a victim; the run then reports it from
// what the program printed. A cgroup v2 would cap resident memory instead; this machine has
// only cgroup v1, so it is not used.
import { ConnectorError } from '../framework/errors';

/** The argv that runs `command args` with at most `memoryMiB` of address space (unlimited when undefined). */
export function limitedCommand(command: string, args: string[], memoryMiB: number | undefined): { command: string; args: string[] } {
  if (memoryMiB === undefined) return { command, args };
  // `&&`: a limit the shell cannot set (above the hard limit) must not run the program unlimited.
  return { command: '/bin/sh', args: ['-c', 'ulimit -v "$1" && shift && exec "$@"', 'sh', String(memoryMiB * 1024), command, ...args] };
}

// What programs print when an allocation fails under RLIMIT_AS.
const OUT_OF_MEMORY = /\bMemoryError\b|out of memory|Cannot allocate memory|\bENOMEM\b|std::bad_alloc/i;

export function saysOutOfMemory(text: string): boolean {
  return OUT_OF_MEMORY.test(text);
}

const ROLE = { read: 'source', write: 'destination' } as Record<string, string | undefined>;

export function outOfMemoryError(name: string, verb: string, memoryMiB: number): ConnectorError {
  const role = ROLE[verb];
  const where = role ? `the memory_limit of the connection's resourceRequirements, else of the ${role} role in config/config.yaml` : 'its memory_limit';
  return new ConnectorError(`${name} ${verb} ran out of memory: it may use at most ${memoryMiB} MiB (${where}); raise that limit`, 'system_error');
}
