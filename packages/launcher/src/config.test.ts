import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, test } from 'vitest';
import { ConfigError, DEFAULT_CONFIG_DIR, loadPlatformConfig, loadResourceLimits, parseMemoryMiB } from './config';

test('config/platform.yaml gives the guide’s ports and local credentials by default', () => {
  const config = loadPlatformConfig(DEFAULT_CONFIG_DIR, {}, {});
  expect(config.runtime).toBe('embedded');
  expect(config.ports).toEqual({ api: 8001, webapp: 8000, postgres: 5432, s3: 9000, query: 9047, query_pg: 15432 });
  expect(config.query).toEqual({ user: 'dremio_user', password: 'dremio_password', queryTimeoutSeconds: 300, maxConcurrentQueries: 4 });
  expect(config.s3).toMatchObject({ bucket: 'datalake', region: 'us-east-1', accessKeyId: 'minioadmin' });
  expect(config.stateDir).toBe(path.resolve(DEFAULT_CONFIG_DIR, '..', '.platform'));
});

test('environment variables and command-line overrides win over the file’s defaults', () => {
  const config = loadPlatformConfig(DEFAULT_CONFIG_DIR, { ports: { api: 18001 }, stateDir: '/tmp/elsewhere' }, { PLATFORM_S3_PORT: '19000', MINIO_ROOT_PASSWORD: 'from-env' });
  expect(config.ports).toMatchObject({ api: 18001, s3: 19000 });
  expect(config.s3.secretAccessKey).toBe('from-env');
  expect(config.stateDir).toBe('/tmp/elsewhere');
});

test('a bad port names the key', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'platform-config-'));
  writeFileSync(path.join(dir, 'platform.yaml'), 'ports: { api: lots }\n');
  try {
    expect(() => loadPlatformConfig(dir, {}, {})).toThrow(/ports\.api: "lots" is not a port number/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('config/config.yaml holds the guide’s resource limits per role', () => {
  const resources = loadResourceLimits(DEFAULT_CONFIG_DIR);
  expect(resources.source).toEqual({ cpu_limit: '1.0', memory_limit: '1Gi', cpu_request: '0.25', memory_request: '256Mi' });
  expect(resources.destination).toEqual(resources.source);
  expect(resources.orchestrator).toEqual({ cpu_limit: '0.5', memory_limit: '512Mi' });
  expect(resources.query).toEqual({ cpu_limit: '1.0', memory_limit: '1Gi' });
});

test('memory quantities convert to MiB', () => {
  expect(parseMemoryMiB('512Mi', 'x')).toBe(512);
  expect(parseMemoryMiB('1Gi', 'x')).toBe(1024);
  expect(parseMemoryMiB('1G', 'x')).toBe(954);
  expect(() => parseMemoryMiB('lots', 'resources.orchestrator.memory_limit')).toThrow(ConfigError);
});

test('a bad resource setting in config/config.yaml names its field', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'platform-config-'));
  const write = (yaml: string) => writeFileSync(path.join(dir, 'config.yaml'), yaml);
  const roles = (destination: string) =>
    `resources:\n  source: { cpu_limit: "1", memory_limit: 1Gi }\n  destination: ${destination}\n  orchestrator: { cpu_limit: "0.5", memory_limit: 512Mi }\n  query: { cpu_limit: "1", memory_limit: 1Gi }\n`;
  try {
    write(roles('{ cpu_limit: "1", memory_limit: 1 gigabyte }'));
    expect(() => loadResourceLimits(dir)).toThrow(/config\.yaml: resources\.destination\.memory_limit: invalid memory quantity "1 gigabyte"/);
    write(roles('{ cpu_limit: "1", memory_limt: 1Gi }'));
    expect(() => loadResourceLimits(dir)).toThrow(/resources\.destination\.memory_limt is not a resource setting/);
    write(roles('{ cpu_limit: "1" }'));
    expect(() => loadResourceLimits(dir)).toThrow(/resources\.destination needs cpu_limit and memory_limit/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
