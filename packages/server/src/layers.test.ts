// The repository's import rules hold on the real import graph: dependency-cruiser with the rules
// of .dependency-cruiser.cjs (at the root; ARCHITECTURE.md draws them) finds no cycle and no
// import against the server's layers, and no import between packages the package graph does not
// allow. The rules themselves are checked to bite, on small trees that break them. (It lives in
// the server's tests because dependency-cruiser is the server's dev dependency.)
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cruise, type ICruiseResult } from 'dependency-cruiser';
import extractDepcruiseOptions from 'dependency-cruiser/config-utl/extract-depcruise-options';
import { afterAll, describe, expect, it } from 'vitest';

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const SERVER_SRC = 'packages/server/src';
const EVERY_PACKAGE = ['packages/*/src', 'packages/webapp/server'];

/** Each broken rule as "rule: from → to" (a cycle lists its path). */
async function violations(baseDir: string, paths = [SERVER_SRC]): Promise<string[]> {
  const options = await extractDepcruiseOptions(join(REPO_ROOT, '.dependency-cruiser.cjs'));
  const { output } = await cruise(paths, { ...options, baseDir, validate: true });
  return (output as ICruiseResult).summary.violations.map(
    (v) => `${v.rule.name}: ${v.from} → ${v.to}${v.cycle ? ` (cycle: ${v.cycle.map((c) => c.name).join(' → ')})` : ''}`,
  );
}

describe('server layers', () => {
  it('has no import cycle and no import against the layers', async () => {
    expect(await violations(REPO_ROOT)).toEqual([]);
  });

  describe('the rules catch', () => {
    const trees: string[] = [];
    afterAll(() => Promise.all(trees.map((dir) => rm(dir, { recursive: true, force: true }))));

    /** A throwaway repository whose server sources are `files` (path under src → content). */
    async function tree(files: Record<string, string>): Promise<string> {
      const root = await mkdtemp(join(tmpdir(), 'server-layers-'));
      trees.push(root);
      for (const [path, content] of Object.entries(files)) {
        const file = join(root, SERVER_SRC, path);
        await mkdir(dirname(file), { recursive: true });
        await writeFile(file, content);
      }
      return root;
    }

    it('an import cycle, types included', async () => {
      const root = await tree({
        'services/a.ts': "import type { B } from './b';\nexport type A = { b: B };\n",
        'services/b.ts': "import type { A } from './a';\nexport type B = { a?: A };\n",
      });
      expect(await violations(root)).toContainEqual(expect.stringMatching(/^server-no-cycle: .*services\/a\.ts/));
    });

    it('store/ importing api/ (how storage got typed by the HTTP layer)', async () => {
      const root = await tree({
        'api/route.ts': 'export type ApiSchemas = { Job: { id: number } };\n',
        'store/job-store.ts': "import type { ApiSchemas } from '../api/route';\nexport type Job = ApiSchemas['Job'];\n",
      });
      expect(await violations(root)).toEqual([`server-store: ${SERVER_SRC}/store/job-store.ts → ${SERVER_SRC}/api/route.ts`]);
    });

    it('a route calling a store, while store types stay allowed', async () => {
      const root = await tree({
        'store/job-store.ts': 'export interface Job { id: number }\nexport class JobStore { list(): Job[] { return []; } }\n',
        'api/presenters/jobs.ts': "import type { Job } from '../../store/job-store';\nexport const toJobRead = (job: Job) => ({ id: job.id });\n",
        'api/routes/jobs.ts': "import { JobStore } from '../../store/job-store';\nexport const list = () => new JobStore().list();\n",
      });
      expect(await violations(root)).toEqual([`server-api-calls-services: ${SERVER_SRC}/api/routes/jobs.ts → ${SERVER_SRC}/store/job-store.ts`]);
    });

    it('the scheduler running jobs, and a service reaching up to the API', async () => {
      const root = await tree({
        'worker/worker.ts': 'export class Worker {}\n',
        'api/route.ts': 'export type RouteModule = object;\n',
        'scheduler/scheduler.ts': "import { Worker } from '../worker/worker';\nexport const worker = new Worker();\n",
        'services/jobs.ts': "import type { RouteModule } from '../api/route';\nexport type Routes = RouteModule;\n",
      });
      expect((await violations(root)).sort()).toEqual([
        `server-scheduler: ${SERVER_SRC}/scheduler/scheduler.ts → ${SERVER_SRC}/worker/worker.ts`,
        `server-services: ${SERVER_SRC}/services/jobs.ts → ${SERVER_SRC}/api/route.ts`,
      ]);
    });
  });
});

describe('package boundaries', () => {
  // Parses every package's sources (CPU-bound, ~35 s alone); a loaded 2-core machine took 88 s.
  it('every package imports only what the package graph allows, through exports', { timeout: 240_000 }, async () => {
    expect(await violations(REPO_ROOT, EVERY_PACKAGE)).toEqual([]);
  });

  it('the rules catch a reach into another package, an import against the graph, an unexported path and a leaf imported', async () => {
    const root = await mkdtemp(join(tmpdir(), 'package-rules-'));
    try {
      const files: Record<string, string> = {
        'packages/server/src/index.ts': 'export const server = 1;\n',
        'packages/e2e/src/cli.ts': 'export const cli = 1;\n',
        'packages/connectors/src/reach.ts': "import { server } from '../../server/src/index';\nexport const x = server;\n",
        'packages/connectors/src/unexported.ts': "import { y } from '@platform/server/src/internal';\nexport const z = y;\n",
        'packages/launcher/src/leaf.ts': "import { cli } from '../../e2e/src/cli';\nexport const c = cli;\n",
        'packages/launcher/src/leaf.test.ts': "import { cli } from '../../e2e/src/cli';\nexport const t = cli;\n",
      };
      for (const [path, content] of Object.entries(files)) {
        await mkdir(dirname(join(root, path)), { recursive: true });
        await writeFile(join(root, path), content);
      }
      expect((await violations(root, ['packages'])).sort()).toEqual([
        'package-connectors: packages/connectors/src/reach.ts → packages/server/src/index.ts',
        'package-exports-only: packages/connectors/src/unexported.ts → @platform/server/src/internal',
        'package-launcher: packages/launcher/src/leaf.ts → packages/e2e/src/cli.ts',
        'package-leaves: packages/launcher/src/leaf.ts → packages/e2e/src/cli.ts',
        'package-no-relative-reach: packages/connectors/src/reach.ts → packages/server/src/index.ts',
        'package-no-relative-reach: packages/launcher/src/leaf.test.ts → packages/e2e/src/cli.ts',
        'package-no-relative-reach: packages/launcher/src/leaf.ts → packages/e2e/src/cli.ts',
      ]);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
