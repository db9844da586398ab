// API latency under concurrent clients, on loopback: N clients, each issuing its requests one
// after another over its own keep-alive connection (node:http, so the load generator costs
// little CPU next to the server it measures on the same 2 cores).
import http from 'node:http';
import { treeCpuSeconds } from './proc-stats';
import { unwrap, type PlatformClient } from './workspace';

export interface LoadSpec {
  url: string;
  method: 'GET' | 'POST';
  /** JSON body for POST. */
  body?: string;
  /** Extra request headers, e.g. Accept-Encoding. */
  headers?: Record<string, string>;
  clients: number;
  requestsPerClient: number;
  /** Process trees (name → root pid) whose CPU time the measured requests cost is reported. */
  cpuOf?: Record<string, number>;
}

export interface LoadResult {
  requests: number;
  seconds: number;
  requestsPerSecond: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Size of one response body (the last one). */
  responseBytes: number;
  /** CPU seconds per request during the measured requests: each of `cpuOf`, and "load generator" (this process). */
  cpuMsPerRequest: Record<string, number>;
}

export async function runLoad(spec: LoadSpec): Promise<LoadResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: spec.clients });
  try {
    // Warm-up, not measured: opens every client's connection and lets the server's JIT settle.
    await Promise.all(Array.from({ length: spec.clients }, () => request(agent, spec)));
    const latencies: number[] = [];
    let responseBytes = 0;
    const trees = Object.entries(spec.cpuOf ?? {});
    const cpuBefore = trees.map(([, pid]) => treeCpuSeconds(pid));
    const ownCpuBefore = process.cpuUsage();
    const started = performance.now();
    await Promise.all(
      Array.from({ length: spec.clients }, async () => {
        for (let i = 0; i < spec.requestsPerClient; i++) {
          const t0 = performance.now();
          responseBytes = await request(agent, spec);
          latencies.push(performance.now() - t0);
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    const ownCpu = process.cpuUsage(ownCpuBefore);
    const perRequestMs = (cpuSeconds: number) => (cpuSeconds * 1000) / latencies.length;
    const cpuMsPerRequest: Record<string, number> = Object.fromEntries(trees.map(([name, pid], i) => [name, perRequestMs(treeCpuSeconds(pid) - cpuBefore[i])]));
    cpuMsPerRequest['load generator'] = perRequestMs((ownCpu.user + ownCpu.system) / 1e6);
    latencies.sort((a, b) => a - b);
    // Nearest rank.
    const percentile = (p: number) => latencies[Math.min(latencies.length - 1, Math.ceil((p / 100) * latencies.length) - 1)];
    return {
      requests: latencies.length,
      seconds,
      requestsPerSecond: latencies.length / seconds,
      p50Ms: percentile(50),
      p95Ms: percentile(95),
      p99Ms: percentile(99),
      maxMs: latencies[latencies.length - 1],
      responseBytes,
      cpuMsPerRequest,
    };
  } finally {
    agent.destroy();
  }
}

/** One request; resolves with the body's size once it is fully read. Anything but 200 is an error. */
function request(agent: http.Agent, spec: LoadSpec): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      spec.url,
      { method: spec.method, agent, headers: { ...spec.headers, ...(spec.body === undefined ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(spec.body) }) } },
      (res) => {
        let bytes = 0;
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => {
          bytes += chunk.length;
          if (res.statusCode !== 200) chunks.push(chunk);
        });
        res.on('end', () =>
          res.statusCode === 200 ? resolve(bytes) : reject(new Error(`${spec.method} ${spec.url}: HTTP ${res.statusCode}: ${Buffer.concat(chunks).toString('utf8').slice(0, 500)}`)),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(spec.body);
  });
}

export interface CreatedConnections {
  ids: string[];
  seconds: number;
  p50Ms: number;
  maxMs: number;
}

/**
 * Creates `count` connections between one source and one destination, one request after
 * another. Without a syncCatalog the server selects every stream of the source's latest
 * discovered catalog; no schedule means manual, so none of them ever syncs.
 */
export async function createConnections(client: PlatformClient, count: number, sourceId: string, destinationId: string): Promise<CreatedConnections> {
  const ids: string[] = [];
  const latencies: number[] = [];
  const started = performance.now();
  for (let i = 1; i <= count; i++) {
    const t0 = performance.now();
    const created = await unwrap(
      'connections/create',
      client.POST('/v1/connections/create', { body: { name: `bench connection ${i}`, sourceId, destinationId, scheduleType: 'manual' } }),
    );
    latencies.push(performance.now() - t0);
    ids.push(created.connectionId);
  }
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return { ids, seconds, p50Ms: latencies[Math.ceil(latencies.length / 2) - 1], maxMs: latencies[latencies.length - 1] };
}
