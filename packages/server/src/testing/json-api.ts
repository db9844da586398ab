// A JSON client over a test's API server (its URL is known only once beforeAll has started it):
// `post` answers status and body, `ok` insists on 200 and names the path and body when not,
// `syncToSuccess` runs a connection's sync through the API and insists it succeeded.
import { expect } from 'vitest';
import type { TestPlatform } from './platform-harness';

export interface JsonApi {
  post<T = any>(path: string, body: unknown): Promise<{ status: number; body: T }>;
  ok<T = any>(path: string, body: unknown): Promise<T>;
  /** connections/sync, then the job's end, then jobs/get; fails with the attempts' failure summaries unless it succeeded. */
  syncToSuccess(platform: TestPlatform, connectionId: string, timeoutMs?: number): Promise<any>;
}

export function jsonApi(baseUrl: () => string): JsonApi {
  const api: JsonApi = {
    async post(path, body) {
      const res = await fetch(`${baseUrl()}/api/v1/${path}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : undefined };
    },
    async ok(path, body) {
      const res = await api.post(path, body);
      expect(res.status, `${path}: ${JSON.stringify(res.body)}`).toBe(200);
      return res.body;
    },
    async syncToSuccess(platform, connectionId, timeoutMs = 300_000) {
      const { job } = await api.ok('connections/sync', { connectionId });
      const done = await platform.waitForJob(job.id, undefined, timeoutMs);
      const read = await api.ok('jobs/get', { id: job.id });
      expect(done.status, JSON.stringify(read.attempts.map((a: any) => a.attempt.failureSummary))).toBe('succeeded');
      return read;
    },
  };
  return api;
}
