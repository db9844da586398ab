import { describe, expect, it } from 'vitest';
import { safeText } from './safe-text';

describe('safeText', () => {
  it('removes quoted row contents and cuts what stays long', () => {
    expect(safeText('Postgres error while reading public.t: invalid input syntax for type integer: "CANARY"', 1000)).toBe(
      'Postgres error while reading public.t: invalid input syntax for type integer: [value removed]',
    );
    const cut = safeText(`crash: ${'x'.repeat(5000)}`, 100);
    expect(cut).toHaveLength(100 + '… [4907 characters cut]'.length);
    expect(cut.endsWith('… [4907 characters cut]')).toBe(true);
  });
});
