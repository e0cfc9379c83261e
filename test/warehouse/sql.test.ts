import { expect, test } from 'vitest';
import { qualified, quotedIdentifier, quotedString } from '../../warehouse/sql.js';

test('identifiers: quotes doubled', () => {
  expect(quotedIdentifier('hs_danh_sach')).toBe('"hs_danh_sach"');
  expect(quotedIdentifier('a"b')).toBe('"a""b"');
  expect(qualified('raw', 'x"; drop table y; --')).toBe('"raw"."x""; drop table y; --"');
});

test('strings: single quotes doubled, NUL refused', () => {
  expect(quotedString("/tmp/it's.parquet")).toBe("'/tmp/it''s.parquet'");
  expect(quotedString('')).toBe("''");
  expect(() => quotedString('a\0b')).toThrow('NUL');
});
