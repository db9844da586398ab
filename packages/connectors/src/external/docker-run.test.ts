import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dockerRunArgs } from './docker-run';
import { fetchExternalSpec } from './external-connector';

describe('dockerRunArgs', () => {
  it('runs the image attached to stdin, removed after, with the private directory mounted read-only at the same path', () => {
    const args = dockerRunArgs({ image: 'mycompany/source-x:1.0.0', dir: '/tmp/airlock-connector-abc', verbArgs: ['read', '--config', '/tmp/airlock-connector-abc/config.json', '--catalog', '/tmp/airlock-connector-abc/catalog.json'], containerName: 'airlock-connector-1' });
    expect(args).toEqual([
      'run', '--rm', '-i', '--name', 'airlock-connector-1',
      '--network', 'host',
      '--volume', '/tmp/airlock-connector-abc:/tmp/airlock-connector-abc:ro',
      'mycompany/source-x:1.0.0',
      'read', '--config', '/tmp/airlock-connector-abc/config.json', '--catalog', '/tmp/airlock-connector-abc/catalog.json',
    ]);
  });

  it('gives the container the memory limit without swap, and the extra environment, before the image', () => {
    const args = dockerRunArgs({ image: 'img:2', dir: '/d', verbArgs: ['spec'], memoryMiB: 512, env: { LOG_LEVEL: 'debug' }, containerName: 'c' });
    expect(args.slice(args.indexOf('--memory'), args.indexOf('img:2'))).toEqual(['--memory', '512m', '--memory-swap', '512m', '--env', 'LOG_LEVEL=debug']);
    expect(args.slice(args.indexOf('img:2'))).toEqual(['img:2', 'spec']);
  });

});

describe('an image connector run through the real docker client', () => {
  it('hands the client DOCKER_HOST, and a run where no engine answers fails with the client\'s reason', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'airlock-docker-run-'));
    const socket = join(dir, 'docker.sock');
    const previous = process.env.DOCKER_HOST;
    process.env.DOCKER_HOST = `unix://${socket}`;
    try {
      const run = fetchExternalSpec({ name: 'source-x', command: 'docker', docker: { image: 'mycompany/source-x:1.0.0' } }, { log: () => {} });
      await expect(run).rejects.toThrow(new RegExp(`^source-x spec exited with code \\d+; its last stderr lines: .*Cannot connect to the Docker daemon at unix://${socket}`));
    } finally {
      if (previous === undefined) delete process.env.DOCKER_HOST;
      else process.env.DOCKER_HOST = previous;
      await rm(dir, { recursive: true, force: true });
    }
  });
});
