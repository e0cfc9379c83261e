import { describe, expect, test } from 'vitest';
import { encodeLegacy, decodeLegacy, detectLegacy } from '../../forms/legacy-text.js';

const NAMES = ['Nguyễn Thị Hoà', 'Đặng Quốc Vượng', 'Bùi Ngọc Ánh', 'Lê Văn Ất', 'Hà Thị Thu Hương', 'Ứng Hữu Phước', 'Trường Tiểu học Mường Khương', 'Võ Hà', 'Phạm Đức Ổn'];

describe('legacy encodings', () => {
  test('known TCVN3 and VNI spellings', () => {
    expect(encodeLegacy('Nguyễn Thị Hoà', 'tcvn3')).toBe('NguyÔn ThÞ Hoµ');
    expect(encodeLegacy('Mường Khương', 'tcvn3')).toBe('M\u00adêng Kh\u00ad¬ng');
    expect(encodeLegacy('Nguyễn Đặng Vượng', 'vni')).toBe('Nguyeãn Ñaëng Vöôïng');
  });
  test.each(NAMES)('VNI round trip and detection: %s', (name) => {
    const enc = encodeLegacy(name, 'vni');
    expect(detectLegacy(enc)).toBe('vni');
    expect(decodeLegacy(enc, 'vni')).toBe(name);
  });
  test.each(NAMES)('TCVN3 round trip and detection: %s', (name) => {
    const enc = encodeLegacy(name, 'tcvn3');
    expect(detectLegacy(enc)).toBe('tcvn3');
    expect(decodeLegacy(enc, 'tcvn3')).toBe(name);
  });
  test.each(NAMES)('Unicode is left alone: %s', (name) => {
    expect(detectLegacy(name)).toBeNull();
  });
  test('ASCII is left alone', () => {
    expect(detectLegacy('Nguyen Van A')).toBeNull();
  });
});
