import { describe, expect, it } from 'vitest';
import { dockerRunArgs } from './docker-run';

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
