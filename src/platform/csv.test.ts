import { describe, expect, it } from 'vitest';
import { csvTable, toCsv } from './csv.ts';

describe('the one CSV writer', () => {
  it('writes a table with a byte-order mark, CRLF lines and RFC 4180 quoting', () => {
    const csv = csvTable(
      ['이름', 'note'],
      [
        ['김예약', 'a, "b"'],
        ['Kim', 'two\nlines'],
      ],
    );
    expect(csv).toBe('\uFEFF이름,note\r\n김예약,"a, ""b"""\r\nKim,"two\nlines"\r\n');
    expect(csvTable(['n'], [[1]], { bom: false })).toBe('n\r\n1\r\n');
  });

  it('keeps a spreadsheet from running text that starts like a formula, in both forms', () => {
    const formulas = ['=HYPERLINK("http://x")', '+1', '-2+3', '@SUM(A1)'];
    const table = csvTable(
      ['v'],
      formulas.map((f) => [f]),
      { bom: false },
    );
    for (const line of table.split('\r\n').slice(1, -1)) expect(line.replace(/^"/, '')).toMatch(/^'/);
    expect(toCsv([{ v: '=1+1', n: -5 }])).toBe("v,n\r\n'=1+1,-5\r\n");
  });
});
