import { describe, expect, it } from 'vitest';
import { connectorTimeoutsFromEnv } from './actors';

describe('connectorTimeoutsFromEnv', () => {
  it('bounds check at 60 s and discover at 300 s, or at the variables\' seconds', () => {
    expect(connectorTimeoutsFromEnv({})).toEqual({ checkMs: 60_000, discoverMs: 300_000 });
    expect(connectorTimeoutsFromEnv({ PLATFORM_CONNECTOR_CHECK_TIMEOUT_SECONDS: '15', PLATFORM_CONNECTOR_DISCOVER_TIMEOUT_SECONDS: '900' })).toEqual({ checkMs: 15_000, discoverMs: 900_000 });
  });

  it('refuses a value that is not a number of seconds, naming the variable', () => {
    expect(() => connectorTimeoutsFromEnv({ PLATFORM_CONNECTOR_DISCOVER_TIMEOUT_SECONDS: '5m' })).toThrow('PLATFORM_CONNECTOR_DISCOVER_TIMEOUT_SECONDS must be a number of seconds above 0 (got "5m")');
  });
});
