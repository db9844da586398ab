import { describe, expect, it } from 'vitest';
import { numberForm, NumberForm, UuidSource } from './csv-bytes';

describe('UuidSource', () => {
  it('gives version 4 UUIDs as text, none twice, across refills of its pool', () => {
    const uuids = new UuidSource();
    const seen = new Set<string>();
    for (let i = 0; i < 10_000; i++) seen.add(uuids.next().toString('latin1'));
    expect(seen.size).toBe(10_000);
    for (const id of seen) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});

describe('numberForm', () => {
  const form = (text: string) => numberForm(Buffer.from(`x${text}y`), 1, text.length + 1);
  it('tells plain decimals, exponents and what JSON would not keep apart', () => {
    for (const plain of ['0', '-1', '12345678901234567890.123456789', '0.10', '-0.5']) expect(form(plain)).toBe(NumberForm.Plain);
    for (const exponent of ['1e3', '-1.5E-7', '2e+10']) expect(form(exponent)).toBe(NumberForm.Exponent);
    for (const not of ['', '-', '-0', '-0.0', '-0e5', '01', '1.', '.5', '+1', '1e', 'NaN', 'Infinity', '1,5', ' 1']) expect(form(not)).toBe(NumberForm.NotJson);
  });
});
