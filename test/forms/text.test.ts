import { describe, expect, test } from 'vitest';
import { fold, nfc, columnLetter } from '../../forms/text.js';

describe('fold', () => {
  test('drops diacritics, đ, case and extra spaces', () => {
    expect(fold('  Trạng  thái HS ')).toBe('trang thai hs');
    expect(fold('Đội Cấn')).toBe('doi can');
  });
  test('NFD and NFC fold alike', () => {
    const nfd = 'Nguyễn Thị Hoà'.normalize('NFD');
    expect(nfd).not.toBe(nfc(nfd));
    expect(fold(nfd)).toBe(fold('Nguyễn Thị Hoà'));
  });
  test('non-breaking spaces count as spaces', () => {
    expect(fold('Mã\u00a0trường')).toBe('ma truong');
  });
});

describe('columnLetter', () => {
  test.each([[1, 'A'], [26, 'Z'], [27, 'AA'], [52, 'AZ'], [703, 'AAA']])('%i → %s', (n, s) => {
    expect(columnLetter(n)).toBe(s);
  });
});
