import { describe, expect, it } from 'vitest';
import { IdentifierNamer, MAX_IDENTIFIER_BYTES, quoteIdentifier } from './identifiers';

describe('IdentifierNamer', () => {
  it('keeps a name that fits and is free exactly as it is', () => {
    const namer = new IdentifierNamer();
    for (const name of ['a"b', 'with space', 'dot.ted', 'UPPER', 'upper', 'select', 'ünïcødé 東京']) expect(namer.allocate(name)).toBe(name);
  });

  it('cuts long names to 63 bytes on a character boundary, two names sharing a prefix staying apart', () => {
    const namer = new IdentifierNamer();
    const prefix = 'é'.repeat(40);
    const one = namer.allocate(`${prefix}_one`);
    const two = namer.allocate(`${prefix}_two`);
    expect(one).not.toBe(two);
    for (const name of [one, two]) {
      expect(Buffer.byteLength(name)).toBeLessThanOrEqual(MAX_IDENTIFIER_BYTES);
      expect(name.startsWith('é'.repeat(20))).toBe(true);
      expect(name).not.toContain('\uFFFD');
    }
  });

  it('gives the same names for the same order of names (every sync finds its columns again)', () => {
    const names = ['x'.repeat(70), 'x'.repeat(71), 'id', '_airbyte_ab_id'];
    const first = new IdentifierNamer(['_airbyte_ab_id']);
    const second = new IdentifierNamer(['_airbyte_ab_id']);
    expect(names.map((n) => first.allocate(n))).toEqual(names.map((n) => second.allocate(n)));
  });

  it('moves a name off a reserved one, and off a hashed name another took', () => {
    const namer = new IdentifierNamer(['_airbyte_ab_id']);
    const renamed = namer.allocate('_airbyte_ab_id');
    expect(renamed).not.toBe('_airbyte_ab_id');
    expect(namer.allocate(renamed)).not.toBe(renamed);
  });
});

describe('quoteIdentifier', () => {
  it('doubles embedded double quotes', () => {
    expect(quoteIdentifier('a"b')).toBe('"a""b"');
  });
});
