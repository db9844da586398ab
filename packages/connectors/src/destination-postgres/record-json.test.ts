import { describe, expect, it } from 'vitest';
import { jsonbSafe, recordJson } from './record-json';

describe('recordJson', () => {
  it('leaves out undefined values', () => {
    expect(recordJson({ id: 1, doc: { n: 'x' }, skipped: undefined })).toBe('{"id":1,"doc":{"n":"x"}}');
  });

  it('writes bigint values as JSON numbers', () => {
    expect(recordJson({ n: 12345678901234567890n })).toBe('{"n":12345678901234567890}');
  });
});

describe('jsonbSafe', () => {
  it.each([
    ['{"a":"x\\u0000y"}', '{"a":"xy"}'],
    ['{"a":"\\ud800"}', '{"a":"\\ufffd"}'],
    ['{"a":"\\udc00x"}', '{"a":"\\ufffdx"}'],
    ['{"a":"\\ud83e\\udd86"}', '{"a":"\\ud83e\\udd86"}'],
    // An escaped backslash followed by the letters u0000 is text, not an escape.
    ['{"a":"\\\\u0000"}', '{"a":"\\\\u0000"}'],
    ['{"a":"\\u00e9\\n"}', '{"a":"\\u00e9\\n"}'],
  ])('%s → %s', (input, output) => {
    expect(jsonbSafe(input)).toBe(output);
  });
});
