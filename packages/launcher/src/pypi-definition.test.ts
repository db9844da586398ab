import { expect, test } from 'vitest';
import { pypiDefinition } from './pypi-definition';

test('a pinned Airbyte package maps to the definition create_custom takes (PyAirbyte convention)', () => {
  expect(pypiDefinition('airbyte-source-faker==7.2.1')).toEqual({ kind: 'source', dockerRepository: 'airbyte/source-faker', dockerImageTag: '7.2.1' });
  expect(pypiDefinition('airbyte-destination-duckdb==0.4.0')).toEqual({ kind: 'destination', dockerRepository: 'airbyte/destination-duckdb', dockerImageTag: '0.4.0' });
});

test('anything else is refused with the expected form', () => {
  for (const bad of ['airbyte-source-faker', 'source-faker==7.2.1', 'airbyte-source-faker>=7', 'requests==2.0.0']) {
    expect(() => pypiDefinition(bad)).toThrow(/expected airbyte-source-<name>==<version> or airbyte-destination-<name>==<version>, e\.g\. airbyte-source-faker==7\.2\.1/);
  }
});
