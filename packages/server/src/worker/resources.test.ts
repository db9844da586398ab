import { describe, expect, it } from 'vitest';
import { parseMemoryQuantity, parsePlatformResources, replicationChildLimits } from './resources';

describe('replicationChildLimits', () => {
  it('sizes the child heap from source + destination and gives DuckDB half the destination', () => {
    const limits = replicationChildLimits(parsePlatformResources('{"source":{"memory_limit":"1Gi"},"destination":{"memory_limit":"2Gi"},"orchestrator":{"memory_limit":"512Mi"}}'));
    expect(limits.execArgv).toEqual(['--max-old-space-size=3072']);
    expect(limits.env.DUCKDB_MEMORY_LIMIT).toBe('1024MiB');
  });

  it('leaves defaults without limits', () => {
    expect(replicationChildLimits(parsePlatformResources(undefined))).toEqual({ execArgv: [], env: {} });
  });

  it('parses Kubernetes quantities and names a bad one', () => {
    expect(parseMemoryQuantity('512Mi')).toBe(512 * 2 ** 20);
    expect(parseMemoryQuantity('2G')).toBe(2e9);
    expect(() => parseMemoryQuantity('lots')).toThrow(/invalid memory quantity "lots"/);
  });
});
