import { describe, expect, it } from 'vitest';
import { parseMemoryQuantity, parsePlatformResources, platformResourcesFromEnv, replicationChildLimits } from './resources';

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

describe('platformResourcesFromEnv', () => {
  it('reads Airbyte’s instance-wide variables: JOB_MAIN_CONTAINER_* for each connector, REPLICATION_ORCHESTRATOR_* for the orchestrator', () => {
    const resources = platformResourcesFromEnv({
      JOB_MAIN_CONTAINER_MEMORY_LIMIT: '2Gi',
      JOB_MAIN_CONTAINER_MEMORY_REQUEST: '1Gi',
      JOB_MAIN_CONTAINER_CPU_LIMIT: '1.0',
      REPLICATION_ORCHESTRATOR_MEMORY_LIMIT: '512Mi',
    });
    const connector = { memory_limit: '2Gi', memory_request: '1Gi', cpu_limit: '1.0' };
    expect(resources).toEqual({ source: connector, destination: connector, orchestrator: { memory_limit: '512Mi' } });
    // The guide's troubleshooting fix (JOB_MAIN_CONTAINER_MEMORY_LIMIT=2Gi) reaches the child: 2 GiB per connector.
    expect(replicationChildLimits(resources).execArgv).toEqual(['--max-old-space-size=4096']);
  });

  it('lets PLATFORM_RESOURCES’s roles win over the instance-wide variables', () => {
    const resources = platformResourcesFromEnv({ JOB_MAIN_CONTAINER_MEMORY_LIMIT: '2Gi', PLATFORM_RESOURCES: '{"destination":{"memory_limit":"1Gi"}}' });
    expect(resources).toEqual({ source: { memory_limit: '2Gi' }, destination: { memory_limit: '1Gi' } });
  });

  it('is empty without any of them, and names a bad quantity', () => {
    expect(platformResourcesFromEnv({})).toEqual({});
    expect(() => platformResourcesFromEnv({ JOB_MAIN_CONTAINER_MEMORY_LIMIT: 'lots' })).toThrow(/invalid memory quantity "lots"/);
  });
});
