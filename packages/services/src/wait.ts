import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { ReadinessTimeoutError } from './errors.js';

/**
 * A readiness check with a deadline, in the manner of testcontainers' wait strategies
 * (Wait.forListeningPorts, Wait.forHttp, Wait.forLogMessage). `signal` (e.g. "the process
 * exited") ends the wait at once; `target` is the process waited for, for the strategies that
 * read its output.
 */
export interface WaitStrategy {
  describe(): string;
  waitUntilReady(timeoutMs: number, signal?: AbortSignal, target?: WaitTarget): Promise<void>;
}

/** The process a strategy waits for. */
export interface WaitTarget {
  /** What the process has logged since it was started. */
  logSince(): string;
}

const POLL_INTERVAL_MS = 100;
const ATTEMPT_TIMEOUT_MS = 2_000;

/** Repeats `probe` until it resolves; the caller's `signal` (e.g. "the process exited") ends the wait at once. */
function polling(description: string, probe: (signal: AbortSignal, target?: WaitTarget) => Promise<void>): WaitStrategy {
  return {
    describe: () => description,
    async waitUntilReady(timeoutMs, signal, target) {
      const deadline = Date.now() + timeoutMs;
      let lastError: unknown;
      for (;;) {
        signal?.throwIfAborted();
        const attemptMs = Math.max(1, Math.min(ATTEMPT_TIMEOUT_MS, deadline - Date.now()));
        const attempt = AbortSignal.any([AbortSignal.timeout(attemptMs), ...(signal ? [signal] : [])]);
        try {
          await probe(attempt, target);
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

/**
 * Waits until `ready` says a just started process is; a process that ends first fails the wait
 * at once with `died(how it ended)`. On any failure the process is stopped before the error is thrown.
 */
export async function waitForStart(
  started: { exited: Promise<string>; stop(): Promise<void>; logs?: WaitTarget },
  ready: WaitStrategy,
  timeoutMs: number,
  died: (how: string) => Error,
): Promise<void> {
  const death = new AbortController();
  void started.exited.then((how) => death.abort(died(how)));
  try {
    await ready.waitUntilReady(timeoutMs, death.signal, started.logs);
  } catch (error) {
    await started.stop();
    throw death.signal.aborted ? death.signal.reason : error;
  }
}

export const wait = {
  /** Ready when every port accepts a TCP connection. */
  forListeningPorts(host: string, ...ports: number[]): WaitStrategy {
    return polling(`TCP port${ports.length > 1 ? 's' : ''} ${ports.map((port) => `${host}:${port}`).join(', ')}`, async (signal) => {
      await Promise.all(ports.map((port) => connectTcp(host, port, signal)));
    });
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

  /** Ready once the process has logged a line matching `pattern` (`times` times) since it started. */
  forLogMessage(pattern: RegExp, times = 1): WaitStrategy {
    const global = new RegExp(pattern.source, pattern.flags.includes('g') ? pattern.flags : `${pattern.flags}g`);
    return polling(`log line matching ${pattern}${times > 1 ? ` ${times} times` : ''}`, async (_signal, target) => {
      if (!target) throw new Error('forLogMessage needs the process whose log it reads');
      const seen = target.logSince().match(global)?.length ?? 0;
      if (seen < times) throw new Error(seen ? `seen ${seen} of ${times} times` : 'not logged yet');
    });
  },

  forSql(connectionUrl: string): WaitStrategy {
    return polling(`SQL "SELECT 1" on ${redactUrl(connectionUrl)}`, (signal) => sqlSelect1(connectionUrl, signal));
  },

  /** All strategies in parallel under one deadline; the first failure cancels the rest. */
  all(...strategies: WaitStrategy[]): WaitStrategy {
    return {
      describe: () => `all(${strategies.map((s) => s.describe()).join(', ')})`,
      async waitUntilReady(timeoutMs, signal, target) {
        const inner = new AbortController();
        const linked = signal ? AbortSignal.any([signal, inner.signal]) : inner.signal;
        try {
          await Promise.all(strategies.map((s) => s.waitUntilReady(timeoutMs, linked, target)));
        } catch (err) {
          inner.abort(err);
          throw err;
        }
      },
    };
  },
};
