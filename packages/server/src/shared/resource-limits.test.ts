import { describe, expect, it } from 'vitest';
import { parseCpuQuantity, parseResourceLimits, parseResourceLimitsJson } from './resource-limits';

describe('parseResourceLimits', () => {
  it('keeps each role’s quantities as text, numbers from YAML included', () => {
    expect(parseResourceLimits({ source: { cpu_limit: 1, memory_limit: '1Gi' }, query: { memory_limit: '512Mi', cpu_request: '250m' } })).toEqual({
      source: { cpu_limit: '1', memory_limit: '1Gi' },
      query: { memory_limit: '512Mi', cpu_request: '250m' },
    });
  });

  it('names the bad field: a quantity, a setting, a role, a shape', () => {
    expect(() => parseResourceLimits({ destination: { memory_limit: '1 gigabyte' } })).toThrow('resources.destination.memory_limit: invalid memory quantity "1 gigabyte"');
    expect(() => parseResourceLimits({ source: { cpu_limit: 'half' } })).toThrow('resources.source.cpu_limit: invalid CPU quantity "half"');
    expect(() => parseResourceLimits({ source: { memory: '1Gi' } })).toThrow(/^resources\.source\.memory is not a resource setting/);
    expect(() => parseResourceLimits({ destinaton: { memory_limit: '1Gi' } })).toThrow(/^resources\.destinaton is not a role/);
    expect(() => parseResourceLimits({ source: '1Gi' })).toThrow(/^resources\.source must be an object/);
    expect(() => parseResourceLimitsJson('[1]')).toThrow(/^PLATFORM_RESOURCES must be an object keyed by role/);
    expect(() => parseResourceLimitsJson('{')).toThrow(/^PLATFORM_RESOURCES is not valid JSON/);
  });

  it('leaves out the roles read elsewhere when told so', () => {
    expect(parseResourceLimits({ source: { memory_limit: '1Gi' }, dremio: { memory_limit: 'anything' } }, 'resources', ['dremio'])).toEqual({ source: { memory_limit: '1Gi' } });
  });

  it('reads CPU quantities as Kubernetes does', () => {
    expect(parseCpuQuantity('0.5')).toBe(0.5);
    expect(parseCpuQuantity('500m')).toBe(0.5);
    expect(() => parseCpuQuantity('0')).toThrow(/invalid CPU quantity "0"/);
  });
});
