import { expect, test } from 'vitest';
import { parseCsv } from '../../forms/csv.js';

test('quotes, doubled quotes, embedded newlines, CRLF and BOM', () => {
  const text = '\ufeffa,b\r\n1,"x, ""y"""\r\n2,"line1\nline2"\r\n';
  expect(parseCsv(text)).toEqual([{ a: '1', b: 'x, "y"' }, { a: '2', b: 'line1\nline2' }]);
});

test('no trailing newline, empty fields', () => {
  expect(parseCsv('a,b,c\n,2,')).toEqual([{ a: '', b: '2', c: '' }]);
});
