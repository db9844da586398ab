// @vitest-environment node
// `platform up` on a checkout that was never bootstrapped builds the UI itself: vite's CLI is
// found through its package.json (its `exports` hide bin/vite.js), and dist/ is written.
import { expect, test } from 'vitest';
import { buildWebapp, webappBuilt } from './build';

test('builds the UI into dist/ with the installed vite', async () => {
  await buildWebapp();
  expect(webappBuilt()).toBe(true);
}, 300_000);
