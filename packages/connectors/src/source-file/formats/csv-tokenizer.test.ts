import { describe, expect, it } from 'vitest';
import { CsvTokenizer, type CsvDialect } from './csv-tokenizer';

const RFC4180: CsvDialect = { delimiter: ',', quoteChar: '"', doubleQuote: true, escapeChar: null };

function tokenize(chunks: string[], dialect = RFC4180): string[][] {
  const tokenizer = new CsvTokenizer(dialect);
  const rows: string[][] = [];
  for (const chunk of chunks) tokenizer.push(chunk, rows);
  tokenizer.end(rows);
  return rows;
}

/** Same rows whether the text arrives whole or one character per chunk. */
function expectRows(text: string, expected: string[][], dialect = RFC4180) {
  expect(tokenize([text], dialect)).toEqual(expected);
  expect(tokenize([...text], dialect)).toEqual(expected);
}

describe('CsvTokenizer', () => {
  it('splits plain rows with LF, CRLF and CR line breaks and a missing final break', () => {
    expectRows('a,b\n1,2\r\n3,4\r5,6', [['a', 'b'], ['1', '2'], ['3', '4'], ['5', '6']]);
  });

  it('keeps delimiters, line breaks and doubled quotes inside quoted fields', () => {
    expectRows('"x,y","line1\nline2","say ""hi"""\n', [['x,y', 'line1\nline2', 'say "hi"']]);
  });

  it('keeps empty fields, including a trailing one and an empty quoted one', () => {
    expectRows('a,,c,\n"",b\n', [['a', '', 'c', ''], ['', 'b']]);
  });

  it('drops blank lines but keeps a line holding only ""', () => {
    expectRows('a\n\n\r\n""\nb\n', [['a'], [''], ['b']]);
  });

  it('treats a quote inside an unquoted field as text, and keeps text after a closing quote (like pandas)', () => {
    expectRows('ab"c,"d"e\n', [['ab"c', 'de']]);
  });

  it('honours another delimiter, quote character, escape character and QUOTE_NONE', () => {
    expectRows("a;'b;c'\n", [['a', 'b;c']], { ...RFC4180, delimiter: ';', quoteChar: "'" });
    expectRows('a\\,b,"c\\"d"\n', [['a,b', 'c"d']], { ...RFC4180, escapeChar: '\\' });
    expectRows('"a,b"\n', [['"a', 'b"']], { ...RFC4180, quoteChar: null });
  });

  it('fails on a quoted field that is never closed, naming the row', () => {
    expect(() => tokenize(['a\n"b,c\n'])).toThrow(/row 2 is never closed/);
  });
});
