import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { ReadinessTimeoutError } from './errors.js';

/** A readiness check with a deadline, in the manner of testcontainers' wait strategies. */
export interface WaitStrategy {
  describe(): string;
  waitUntilReady(timeoutMs: number, signal?: AbortSignal): Promise<void>;
}

const POLL_INTERVAL_MS = 100;
const ATTEMPT_TIMEOUT_MS = 2_000;

/** Repeats `probe` until it resolves; the caller's `signal` (e.g. "the process exited") ends the wait at once. */
function polling(description: string, probe: (signal: AbortSignal) => Promise<void>): WaitStrategy {
  return {
    describe: () => description,
    async waitUntilReady(timeoutMs, signal) {
      const deadline = Date.now() + timeoutMs;
      let lastError: unknown;
      for (;;) {
        signal?.throwIfAborted();
        const attemptMs = Math.max(1, Math.min(ATTEMPT_TIMEOUT_MS, deadline - Date.now()));
        const attempt = AbortSignal.any([AbortSignal.timeout(attemptMs), ...(signal ? [signal] : [])]);
        try {
          await probe(attempt);
          return;
        } catch (err) {
          signal?.throwIfAborted();
          // An attempt cut short by the deadline says less than the failure before it.
          if (lastError === undefined || !attempt.aborted) lastError = err;
        }
        if (Date.now() + POLL_INTERVAL_MS >= deadline) throw new ReadinessTimeoutError(description, timeoutMs, lastError);
        await sleep(POLL_INTERVAL_MS, undefined, { signal }).catch(() => signal?.throwIfAborted());
      }
    },
  };
}

function connectTcp(host: string, port: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port });
    const onAbort = () => socket.destroy(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
    signal.addEventListener('abort', onAbort, { once: true });
    socket.once('connect', () => {
      socket.destroy();
      resolve();
    });
    socket.once('error', reject);
    socket.once('close', () => signal.removeEventListener('abort', onAbort));
  });
}

async function sqlSelect1(connectionString: string, signal: AbortSignal): Promise<void> {
  const client = new pg.Client({ connectionString, connectionTimeoutMillis: ATTEMPT_TIMEOUT_MS });
  client.on('error', () => {}); // errors after a failed attempt are already reported by connect/query
  const onAbort = () => void client.end().catch(() => {});
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    await client.connect();
    await client.query('SELECT 1');
  } finally {
    signal.removeEventListener('abort', onAbort);
    await client.end().catch(() => {});
  }
}

/** The URL without its password, for messages. */
function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return url;
  }
}

export const wait = {
  forPort(host: string, port: number): WaitStrategy {
    return polling(`TCP port ${host}:${port}`, (signal) => connectTcp(host, port, signal));
  },

  /** Ready when a GET answers `status` (one of them, if a list), or any 2xx if no status is given. */
  forHttp(url: string, opts: { status?: number | number[] } = {}): WaitStrategy {
    const statuses = opts.status === undefined ? undefined : [opts.status].flat();
    const expected = statuses ? `HTTP ${statuses.join(' or ')}` : 'HTTP 2xx';
    return polling(`${expected} from ${url}`, async (signal) => {
      const res = await fetch(url, { signal });
      await res.body?.cancel();
      const ok = statuses ? statuses.includes(res.status) : res.status >= 200 && res.status < 300;
      if (!ok) throw new Error(`got HTTP ${res.status}`);
    });
  },

  forSql(connectionUrl: string): WaitStrategy {
    return polling(`SQL "SELECT 1" on ${redactUrl(connectionUrl)}`, (signal) => sqlSelect1(connectionUrl, signal));
  },

  /** All strategies in parallel under one deadline; the first failure cancels the rest. */
  all(...strategies: WaitStrategy[]): WaitStrategy {
    return {
      describe: () => `all(${strategies.map((s) => s.describe()).join(', ')})`,
      async waitUntilReady(timeoutMs, signal) {
        const inner = new AbortController();
        const linked = signal ? AbortSignal.any([signal, inner.signal]) : inner.signal;
        try {
          await Promise.all(strategies.map((s) => s.waitUntilReady(timeoutMs, linked)));
        } catch (err) {
          inner.abort(err);
          throw err;
        }
      },
    };
  },
};
