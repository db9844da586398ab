// The child side of run-in-child.ts: loads the module, runs `run`, replies with its result,
// wall and CPU time and the process's RSS before and at peak, then exits.
import type { ChildModule } from './run-in-child';

export interface ChildRequest {
  moduleUrl: string;
  input: unknown;
}

export type ChildReply =
  | { ok: true; output: unknown; seconds: number; cpuSeconds: number; startRssBytes: number; peakRssKb: number }
  | { ok: false; error: string };

// The parent is gone (crashed or interrupted): stop rather than run on unobserved.
process.on('disconnect', () => process.exit(1));

process.once('message', async (message) => {
  const { moduleUrl, input } = message as ChildRequest;
  let reply: ChildReply;
  try {
    const mod = (await import(moduleUrl)) as ChildModule;
    const startRssBytes = process.memoryUsage.rss();
    const started = performance.now();
    const cpuAtStart = process.cpuUsage();
    const output = await mod.run(input as never);
    const seconds = (performance.now() - started) / 1000;
    const cpu = process.cpuUsage(cpuAtStart);
    // ru_maxrss: the kernel's high-water mark of this process's RSS (VmHWM), exact, unlike sampling.
    reply = { ok: true, output, seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6, startRssBytes, peakRssKb: process.resourceUsage().maxRSS };
  } catch (error) {
    reply = { ok: false, error: error instanceof Error ? (error.stack ?? error.message) : String(error) };
  }
  // Exit explicitly: a pool or socket left open by the module must not keep the child alive.
  process.send!(reply, () => process.exit(reply.ok ? 0 : 1));
});
