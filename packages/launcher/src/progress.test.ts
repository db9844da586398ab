import { expect, test } from 'vitest';
import { progressPrinter, step } from './progress';

function capture(isTTY: boolean) {
  const chunks: string[] = [];
  const out = { isTTY, write: (chunk: string) => chunks.push(chunk) } as unknown as NodeJS.WriteStream;
  return { out, text: () => chunks.join('') };
}

test('without a TTY each step prints one plain line with ✓/✗ and its time', async () => {
  const { out, text } = capture(false);
  const print = progressPrinter(out);
  await step(print, 'postgres', async () => {});
  await expect(step(print, 'server', async () => Promise.reject(new Error('exited\nstack')))).rejects.toThrow('exited');
  expect(text()).toMatch(/^ {2}✓ postgres \(\d+ ms\)\n {2}✗ server \(\d+ ms\)\n$/);
});

test('on a TTY the steps under way share a status line that finished steps replace', async () => {
  const { out, text } = capture(true);
  const print = progressPrinter(out);
  print({ step: 'postgres', state: 'start' });
  print({ step: 's3', state: 'start' });
  print({ step: 'postgres', state: 'done', elapsedMs: 5 });
  expect(text()).toBe('\r\x1b[2K  … postgres\r\x1b[2K  … postgres, s3\r\x1b[2K  ✓ postgres (5 ms)\n  … s3');
});
