import { expect, test } from 'vitest';
import { formatInt, formatPercent, publishedCount, publishedShare, suppressCounts, escapeHtml } from '../../dashboards/format.js';

test('Vietnamese number formats', () => {
  expect(formatInt(1234567)).toBe('1.234.567');
  expect(formatInt(0n)).toBe('0');
  expect(formatPercent(957, 1000)).toBe('95,7%');
  expect(formatPercent(1, 0)).toBe('–');
});

test('small cells are suppressed, zero is not', () => {
  expect(publishedCount(0)).toBe('0');
  expect(publishedCount(4)).toBe('x');
  expect(publishedCount(5)).toBe('5');
  expect(publishedShare(3, 100)).toBe('x');
  expect(publishedShare(50, 100)).toBe('50,0%');
  expect(suppressCounts({ school_code: '1', count_pupils: 3, count_classes: 12, pupils: 2 })).toEqual({ school_code: '1', count_pupils: 'x', count_classes: 12, pupils: 'x' });
});

test('html escaping', () => {
  expect(escapeHtml(`<a href="x">Tr'ường & co</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;Tr&#39;ường &amp; co&lt;/a&gt;');
});
