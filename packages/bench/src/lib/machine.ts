// One line describing the machine, printed with the results: figures from a loaded or
// smaller machine are not comparable, and other work on it (a second benchmark, a test run) shows in the load average.
import os from 'node:os';

export function describeMachine(): string {
  const [load1] = os.loadavg();
  return `${os.cpus().length} cores (${os.cpus()[0]?.model.trim()}), ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB, Node ${process.version}, load average ${load1.toFixed(2)}`;
}
