import { describe, expect, test } from 'vitest';
import { readCell, cellText, serialToIso } from '../../forms/cells.js';

const gender = { type: 'code' as const, required: true, codelist: 'DM_GIOI_TINH' };
const ethnic = { type: 'code' as const, required: true, codelist: 'DM_DAN_TOC' };
const date = { type: 'date' as const, required: true };
const optionalDate = { type: 'date' as const, required: false };
const personalId = { type: 'code' as const, required: false, pattern: '^[0-9]{12}$' };

describe('code columns', () => {
  test('by name, folded', () => {
    expect(readCell(gender, 'Nữ')).toEqual({ ok: true, value: '02' });
    expect(readCell(gender, 'NAM')).toEqual({ ok: true, value: '01' });
    expect(readCell(ethnic, 'Hmông')).toEqual({ ok: true, value: '08' });
  });
  test('by code: leading zeros restored, numbers accepted', () => {
    expect(readCell(gender, '2')).toEqual({ ok: true, value: '02' });
    expect(readCell(ethnic, 8)).toEqual({ ok: true, value: '08' });
    expect(readCell(ethnic, '55')).toEqual({ ok: true, value: '55' });
  });
  test('outside the list: the reason names the list', () => {
    const r = readCell(gender, 'Không rõ');
    expect(r.ok).toBe(false);
    expect(!r.ok && r.reason).toBe('"Không rõ" không có trong danh mục DM_GIOI_TINH (DANH MỤC GIỚI TÍNH)');
  });
  test('pattern', () => {
    expect(readCell(personalId, '019312345678')).toEqual({ ok: true, value: '019312345678' });
    expect(readCell(personalId, '1234')).toEqual({ ok: false, code: 'bad_code_format', reason: '"1234" sai định dạng mã' });
    // typed into a number cell, the leading zero was lost: it comes back
    expect(readCell(personalId, 19312345678)).toEqual({ ok: true, value: '019312345678' });
    expect(readCell(personalId, null)).toEqual({ ok: true, value: null });
  });
});

describe('dates', () => {
  test('dd/mm/yyyy text, Date cells and serials', () => {
    expect(readCell(date, '05/09/2015')).toEqual({ ok: true, value: '2015-09-05' });
    expect(readCell(date, new Date(Date.UTC(2015, 8, 5)))).toEqual({ ok: true, value: '2015-09-05' });
    expect(readCell(date, 42252)).toEqual({ ok: true, value: '2015-09-05' });
  });
  test('impossible dates are rejected', () => {
    expect(readCell(date, '31/02/2015')).toEqual({ ok: false, code: 'bad_date', reason: '"31/02/2015" không phải ngày dạng dd/mm/yyyy' });
  });
  test('required and optional blanks', () => {
    expect(readCell(date, '  ')).toEqual({ ok: false, code: 'missing_required', reason: 'thiếu giá trị bắt buộc' });
    expect(readCell(optionalDate, null)).toEqual({ ok: true, value: null });
  });
  test('serial 1900 system (dates after 1 March 1900)', () => {
    expect(serialToIso(61)).toBe('1900-03-01');
    expect(serialToIso(45931)).toBe('2025-10-01');
  });
});

describe('what exceljs hands over', () => {
  test('formula → cached result; rich text joined; error cells invalid', () => {
    expect(cellText({ formula: 'A1+1', result: 7 })).toBe('7');
    expect(cellText({ richText: [{ text: 'Khối ' }, { text: '6' }] })).toBe('Khối 6');
    expect(readCell(ethnic, { error: '#REF!' })).toEqual({ ok: false, code: 'invalid_cell', reason: 'ô lỗi #REF!' });
  });
  test('#REF!, ? and # typed as text are invalid', () => {
    for (const v of ['#REF!', '?', '#']) expect(readCell(ethnic, v)).toEqual({ ok: false, code: 'invalid_cell', reason: `giá trị không hợp lệ "${v}"` });
  });
  test('legacy TCVN3 text is converted, with a warning', () => {
    expect(readCell({ type: 'text', required: true }, 'NguyÔn ThÞ Hoµ')).toEqual({
      ok: true, value: 'Nguyễn Thị Hoà',
      warning: { code: 'legacy_tcvn3', reason: 'văn bản mã TCVN3 (ABC) "NguyÔn ThÞ Hoµ" đã được chuyển sang Unicode: "Nguyễn Thị Hoà"; hãy kiểm tra lại' },
    });
  });
  test('text is NFC', () => {
    expect(cellText('Nguyễn'.normalize('NFD'))).toBe('Nguyễn'.normalize('NFC'));
  });
});
