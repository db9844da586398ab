import { expect, test } from 'vitest';
import { interpolateDeep, interpolateString, MissingEnvVarError } from './interpolate';

test('replaces ${env:NAME} and falls back to ${env:NAME:-default}', () => {
  expect(interpolateString('${env:HOST}:${env:PORT:-5432}', { HOST: 'db' }, 'x')).toBe('db:5432');
  expect(interpolateString('${env:PORT:-5432}', { PORT: '6543' }, 'x')).toBe('6543');
});

test("keeps Airbyte's own placeholders such as ${NAMESPACE} and ${SOURCE_NAMESPACE}", () => {
  const value = { path: 'airbyte-data/${NAMESPACE}/${STREAM_NAME}', format: 'production_${SOURCE_NAMESPACE}' };
  expect(interpolateDeep(value, {})).toEqual(value);
});

test('a missing variable is an error naming the variable and where it is used', () => {
  const run = () => interpolateDeep({ sources: [{ configuration: { password: '${env:SOURCE_DB_PASSWORD}' } }] }, {}, 'default.yaml');
  expect(run).toThrow(MissingEnvVarError);
  expect(run).toThrow(/SOURCE_DB_PASSWORD.*default\.yaml\.sources\[0\]\.configuration\.password/);
});
