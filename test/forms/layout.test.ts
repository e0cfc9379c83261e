import { describe, expect, test } from 'vitest';
import { loadForm, listForms, parseLayout, rawColumnNames } from '../../forms/layout.js';
import { loadCodelist } from '../../forms/codelists.js';

describe('form layouts', () => {
  test('hs_danh_sach is read and typed', () => {
    const f = loadForm('hs_danh_sach');
    expect(f.sheet).toBe('Sheet1');
    expect(f.columns.find((c) => c.key === 'full_name')?.personal).toBe(true);
    expect(rawColumnNames(f).slice(0, 4)).toEqual(['file_sha256', 'sheet', 'row_number', 'school_code']);
  });
  test('every code list a layout names exists', () => {
    for (const f of listForms()) for (const c of f.columns) if (c.codelist) expect(loadCodelist(c.codelist).entries.length).toBeGreaterThan(0);
  });
  test('bad layouts are refused with the file and the field', () => {
    expect(() => parseLayout({ form: 'x', version: '1', title: 't', regulation: 'r', grain: 'g', sheet: 's', columns: [{ key: 'a', headers: [], type: 'text' }] }, 'x.json'))
      .toThrow('forms/layouts/x.json: columns[0].headers must list at least one header text');
    expect(() => parseLayout({ form: 'x', version: '1', title: 't', regulation: 'r', grain: 'g', sheet: 's', columns: [{ key: 'a', headers: ['A'], type: 'float' }] }, 'x.json'))
      .toThrow('columns[0]: type must be one of');
    expect(() => parseLayout({ form: 'x', version: '1', title: 't', regulation: 'r', grain: 'g', sheet: 's', meta: [{ key: 'a', label: 'A', type: 'text' }], columns: [{ key: 'a', headers: ['A'], type: 'text' }] }, 'x.json'))
      .toThrow('key "a" defined twice');
    expect(() => parseLayout({ form: 'x', version: '1', title: 't', regulation: 'r', grain: 'g', sheet: 's', recognise: ['b'], columns: [{ key: 'a', headers: ['A'], type: 'text' }] }, 'x.json'))
      .toThrow('recognise names "b", which is not a column key');
  });
});

describe('code lists', () => {
  test('the MOET lists are all there', () => {
    expect(loadCodelist('DM_DAN_TOC').entries).toHaveLength(55);
    expect(loadCodelist('DM_TRANG_THAI_HOC_SINH').entries).toHaveLength(12);
    expect(loadCodelist('DM_KHOI').name('06')).toBe('Khối 6');
  });
});
