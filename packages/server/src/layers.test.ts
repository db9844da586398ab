// The server's layers hold on the real import graph: dependency-cruiser with the repository's
// rules (.dependency-cruiser.cjs at the root) finds no cycle and no import against the layers.
// The rules themselves are checked to bite, on small trees that break them.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cruise, type ICruiseResult } from 'dependency-cruiser';
import extractDepcruiseOptions from 'dependency-cruiser/config-utl/extract-depcruise-options';
import { afterAll, describe, expect, it } from 'vitest';

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const SERVER_SRC = 'packages/server/src';

/** Each broken rule as "rule: from → to" (a cycle lists its path). */
async function violations(baseDir: string): Promise<string[]> {
  const options = await extractDepcruiseOptions(join(REPO_ROOT, '.dependency-cruiser.cjs'));
  const { output } = await cruise([SERVER_SRC], { ...options, baseDir, validate: true });
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
