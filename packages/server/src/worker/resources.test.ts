import { describe, expect, it } from 'vitest';
import { parseMemoryQuantity, parseResourceLimitsJson, replicationChildLimits } from '../shared/resource-limits';
import { resourceLimitsFromEnv, withConnectionRequirements } from './resources';

describe('replicationChildLimits', () => {
  it('sizes the child heap from source + destination and gives each connector its memory in its context', () => {
    const limits = replicationChildLimits(parseResourceLimitsJson('{"source":{"memory_limit":"1Gi"},"destination":{"memory_limit":"2Gi"},"orchestrator":{"memory_limit":"512Mi"}}'));
    expect(limits.execArgv).toEqual(['--max-old-space-size=3072']);
    // destination-s3 gives DuckDB half of it (1024 MiB, see its duckdb.test.ts).
    expect(limits.connectors).toEqual({ source: { memoryMiB: 1024 }, destination: { memoryMiB: 2048 } });
  });

  it('leaves defaults without limits', () => {
    expect(replicationChildLimits(parseResourceLimitsJson(undefined))).toEqual({ execArgv: [], connectors: {} });
  });

  it('parses Kubernetes quantities and names a bad one', () => {
    expect(parseMemoryQuantity('512Mi')).toBe(512 * 2 ** 20);
    expect(parseMemoryQuantity('2G')).toBe(2e9);
    expect(() => parseMemoryQuantity('lots')).toThrow(/invalid memory quantity "lots"/);
  });
});

describe('withConnectionRequirements', () => {
  it('lets a connection’s own limits win for each of its connectors', () => {
    const resources = withConnectionRequirements({ source: { memory_limit: '1Gi', cpu_limit: '1' }, destination: { memory_limit: '1Gi' }, orchestrator: { memory_limit: '512Mi' } }, { memory_limit: '256Mi' });
    expect(resources).toEqual({ source: { memory_limit: '256Mi', cpu_limit: '1' }, destination: { memory_limit: '256Mi' }, orchestrator: { memory_limit: '512Mi' } });
  });

  it('refuses a bad quantity as the connection’s config error, naming the field', () => {
    expect(() => withConnectionRequirements({}, { memory_limit: 'lots' })).toThrow(
      expect.objectContaining({ failureType: 'config_error', message: expect.stringContaining('resourceRequirements.memory_limit: invalid memory quantity "lots"') }),
    );
  });
});

describe('resourceLimitsFromEnv', () => {
  it('reads Airbyte’s instance-wide variables: JOB_MAIN_CONTAINER_* for each connector, REPLICATION_ORCHESTRATOR_* for the orchestrator', () => {
    const resources = resourceLimitsFromEnv({
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
    const resources = resourceLimitsFromEnv({ JOB_MAIN_CONTAINER_MEMORY_LIMIT: '2Gi', PLATFORM_RESOURCES: '{"destination":{"memory_limit":"1Gi"}}' });
    expect(resources).toEqual({ source: { memory_limit: '2Gi' }, destination: { memory_limit: '1Gi' } });
  });

  it('is empty without any of them, and names a bad quantity', () => {
    expect(resourceLimitsFromEnv({})).toEqual({});
    expect(() => resourceLimitsFromEnv({ JOB_MAIN_CONTAINER_MEMORY_LIMIT: 'lots' })).toThrow(/invalid memory quantity "lots"/);
  });

  it('names the bad field of PLATFORM_RESOURCES', () => {
    expect(() => resourceLimitsFromEnv({ PLATFORM_RESOURCES: '{"destination":{"memory_limit":"lots"}}' })).toThrow('PLATFORM_RESOURCES.destination.memory_limit: invalid memory quantity "lots"');
  });
});
