import { describe, expect, it } from 'vitest';
import { RawJson, canonicalDecimal, casterFor, minifyJson } from './expand';

describe('number columns read from CSV', () => {
  const cast = casterFor({ type: ['null', 'number'] });

  it('become numbers whatever notation printed them, when a double holds them exactly', () => {
    expect(cast('1e-07')).toBe(1e-7);
    expect(cast('-0.000000001')).toBe(-1e-9);
    expect(cast('1234.500000000')).toBe(1234.5);
    expect(cast('0.3333333333333333')).toBe(0.3333333333333333);
  });

  it('stay decimal strings beyond double precision, and non-numbers stay text', () => {
    expect(cast('12345678901234567890.123456789')).toBe('12345678901234567890.123456789');
    expect(cast('123456789012345678')).toBe('123456789012345678');
    expect(cast('NaN')).toBe('NaN');
    expect(cast('')).toBe('');
  });

  it('canonicalDecimal ignores notation', () => {
    expect(canonicalDecimal('0.0000001')).toBe(canonicalDecimal('1e-7'));
    expect(canonicalDecimal('100')).toBe(canonicalDecimal('1e2'));
  });
});

describe('JSON columns read from CSV for writers that splice JSON', () => {
  it('stay their exact text, on one line', () => {
    const raw = casterFor({ type: 'object' }, { rawJson: true })('{"big": 12345678901234567890.123,\n "s": "a \\" b", "dup": 1, "dup": 2}');
    expect(raw).toBeInstanceOf(RawJson);
    expect((raw as RawJson).text).toBe('{"big":12345678901234567890.123,"s":"a \\" b","dup":1,"dup":2}');
  });

  it('minifyJson removes whitespace between tokens only', () => {
    expect(minifyJson('[ "a  b" , {"c\\\\": " " } ]')).toBe('["a  b",{"c\\\\":" "}]');
  });

  it('-0 stays text, since JSON would write 0', () => {
    expect(casterFor({ type: 'number' })('-0')).toBe('-0');
  });
});
