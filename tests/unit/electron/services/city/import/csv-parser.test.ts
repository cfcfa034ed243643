import { describe, expect, it } from 'vitest';
import { CsvParser } from '../../../../../../electron/services/city/import/csv-parser';
import { ImportError } from '../../../../../../electron/services/city/import';

/** Parses text split into chunks of `size` characters and returns [row, fields] records. */
function parse(text: string, size: number): [number, string[]][] {
  const records: [number, string[]][] = [];
  const parser = new CsvParser('t.csv');
  const emit = (fields: string[], row: number) => records.push([row, fields]);
  for (let i = 0; i < text.length; i += size) parser.push(text.slice(i, i + size), emit);
  parser.end(emit);
  return records;
}

describe('CSV parser', () => {
  const text = '\uFEFFa,b,c\r\n' + '1,"x, ""y""",\r\n' + '\r\n' + '2,"multi\nline",z\n' + ',,\n' + '"last",,end';
  const expected: [number, string[]][] = [
    [1, ['a', 'b', 'c']],
    [2, ['1', 'x, "y"', '']],
    [4, ['2', 'multi\nline', 'z']],
    [6, ['', '', '']],
    [7, ['last', '', 'end']],
  ];

  it('reads RFC 4180 records with their starting rows, whatever the chunk boundaries', () => {
    for (const size of [1, 2, 3, 5, 7, text.length]) expect(parse(text, size)).toEqual(expected);
  });

  it('names the row of an unterminated quote', () => {
    expect(() => parse('a,b\n1,2\n3,"oops\n4,5\n', 4)).toThrow(ImportError);
    expect(() => parse('a,b\n1,2\n3,"oops\n4,5\n', 4)).toThrow(
      /t\.csv, row 3: malformed CSV: a quoted field is never closed/,
    );
  });
});
