#!/usr/bin/env zx
// `pnpm e2e:docker`: the docker runtime's live e2e (packages/e2e/src/docker.e2e.test.ts) for a
// machine with a Docker engine, such as a laptop or a CI runner with Docker. `pnpm e2e` reports
// that test as skipped where no engine answers; here a missing engine or Compose plugin fails,
// so a Docker-capable CI cannot pass it by skipping.
import { $, echo } from 'zx';

const engine = await $`docker info --format ${'{{.ServerVersion}} {{.NCPU}} {{.MemTotal}}'}`.nothrow().quiet();
if (engine.exitCode !== 0) {
  echo(`docker-e2e: no Docker engine answers (${engine.stderr.trim().split('\n').at(-1)}); start Docker, or point DOCKER_HOST at one`);
  process.exit(1);
}
const [version, cpus, memory] = engine.stdout.trim().split(' ');
const compose = await $`docker compose version --short`.nothrow().quiet();
if (compose.exitCode !== 0) {
  echo('docker-e2e: the Docker Compose plugin (`docker compose`) is missing; testcontainers needs it');
  process.exit(1);
}
echo(`docker-e2e: Docker ${version} (${cpus} CPUs, ${Math.round(Number(memory) / 2 ** 30)} GiB), Compose ${compose.stdout.trim()}`);
await $({ stdio: 'inherit' })`pnpm --filter @platform/e2e exec vitest run --config vitest.e2e.config.ts src/docker.e2e.test.ts`;
