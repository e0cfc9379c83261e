import { describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listGrids, loadGrid, parseGridLayout } from '../../forms/grids.js';
import { gridAnswerKey, writeGridWorkbook } from '../../fixtures/grid-writer.js';
import { SCALES, simulateSchool, world, type SchoolYear } from '../../fixtures/world/model.js';
import scales from '../../forms/result-scales.json' with { type: 'json' };

function yearsOf(seed: number, filter: (grades: string[]) => boolean, year: number, max = 3): SchoolYear[] {
  const w = world({ seed, ...SCALES.tiny });
  const out: SchoolYear[] = [];
  for (const s of w.schools.filter((x) => filter(x.grades)).slice(0, max)) simulateSchool(s, seed, scales.first_year_new_scale, (y) => y.year === year && out.push(y));
  return out;
}

const minimal = (rows: unknown[], rules: unknown[] = []) => ({
  form: 'x', version: 'v', symbol: 'X', regulation: 'r', period: 'start', level: 'mn', status: 'inferred',
  titles: ['T'], period_texts: ['P'], data_date_texts: ['D'], reporting_unit_labels: ['U'], recipient_labels: ['R'], recipient: 'B',
  column_sets: { o: { groups: [{ key: 'total', text: 'Tổng số' }] } },
  sheets: [{ key: 's', names: ['S'], title_block: true, columns: 'o', rows, rules }],
});

describe('grid layouts (forms/grids)', () => {
  it('load and validate: every TT 24/2018 and TT 25/2024 form, one file per form and version', () => {
    const ids = listGrids().map((g) => `${g.symbol} ${g.form}@${g.version} ${g.status}`);
    expect(ids).toEqual([
      '01-MN-ĐN mn_dau_nam@tt24-2018 confirmed',
      '01.ĐN-MN mn_dau_nam@tt25-2024 inferred',
      '02-TH-CN th_cuoi_nam@tt24-2018 inferred',
      '02-TH-ĐN th_dau_nam@tt24-2018 partial',
      '02.ĐN-TH th_dau_nam@tt25-2024 inferred',
      '03-THCS-CN thcs_cuoi_nam@tt24-2018 inferred',
      '03-THCS-ĐN thcs_dau_nam@tt24-2018 inferred',
      '03.ĐN-THCS thcs_dau_nam@tt25-2024 inferred',
      '04-THPT-CN thpt_cuoi_nam@tt24-2018 inferred',
      '04-THPT-ĐN thpt_dau_nam@tt24-2018 inferred',
      '04.ĐN-THPT thpt_dau_nam@tt25-2024 inferred',
    ]);
  });

  it('01-MN-ĐN carries the real export rows: codes 1–212 in order, confirmed; budget codes apart', () => {
    const mn = loadGrid('mn_dau_nam', 'tt24-2018');
    const codes = mn.sheets.filter((s) => s.key !== 'ngan_sach').flatMap((s) => s.rows.filter((r) => !r.heading).map((r) => Number(r.code)));
    expect(codes).toEqual(Array.from({ length: 212 }, (_, i) => i + 1));
    expect(mn.sheets.every((s) => s.rows.every((r) => r.heading || r.status === 'confirmed'))).toBe(true);
    expect(mn.sheets.map((s) => s.names[0])).toEqual(['Trường-Lớp', 'Học sinh', 'Cán bộ', 'Phòng học', 'Ngân sách']);
    const staff = mn.sheets.find((s) => s.key === 'can_bo')!;
    expect(staff.columns).toHaveLength(19);
    expect(staff.headerDepth).toBe(4);
    expect(staff.columns.find((c) => c.key === 'public_vc_fixed')!.path.map((p) => p[0])).toEqual(['Công lập', 'Phân loại', 'Viên chức', 'HĐLV xác định thời hạn']);
    expect(staff.columnRules.map((r) => r.id)).toContain('total_all=public_all+private_all+people_all');
  });

  it('02-TH-ĐN has the §2.3 codes and rules; forms without a published row list use tk: keys only', () => {
    const th = loadGrid('th_dau_nam', 'tt24-2018');
    expect(th.sheets.flatMap((s) => s.rows.filter((r) => !r.heading).map((r) => Number(r.code)))).toEqual(Array.from({ length: 132 }, (_, i) => i + 1));
    const rules = th.sheets.flatMap((s) => s.rowRules.map((r) => r.id));
    for (const id of ['1=2+5', '2=3+4', '5=6+7', '27=28+29+30+31+32', '37=38+39', '37=40+41+42+43+44', '37=45+46+47+48+49+50+51', '61≥62+63+64+65+66']) expect(rules).toContain(id);
    for (const g of listGrids().filter((x) => x.status === 'inferred')) {
      for (const s of g.sheets) for (const r of s.rows) if (!r.heading) expect([r.code, r.key?.startsWith('tk:'), r.status]).toEqual([null, true, 'inferred']);
    }
  });

  it('rejects bad layouts at the edge', () => {
    const row = { code: '1', label: 'A', status: 'confirmed' };
    expect(() => parseGridLayout(minimal([row]), 'ok.json')).not.toThrow();
    expect(() => parseGridLayout(minimal([{ ...row, key: 'tk:a' }]), 'b.json')).toThrow(/either an official code or a thongke key/);
    expect(() => parseGridLayout(minimal([{ key: 'a', label: 'A' }]), 'b.json')).toThrow(/starts with "tk:"/);
    expect(() => parseGridLayout(minimal([{ ...row, measure: { count: 'pupils', where: { shoe_size: 3 } } }]), 'b.json')).toThrow(/"shoe_size" is not a filter of pupils/);
    expect(() => parseGridLayout(minimal([{ ...row, measure: { count: 'classes', where: { female: true } } }]), 'b.json')).toThrow(/not a filter of classes/);
    expect(() => parseGridLayout(minimal([row], [{ total: '1', parts: ['2'] }]), 'b.json')).toThrow(/names row "2"/);
    expect(() => parseGridLayout(minimal([row, row]), 'b.json')).toThrow(/defined twice/);
  });
});

describe('grid writer', () => {
  it('writes what the answer key says, with merged headers, the title block and cached formula results', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'grid-writer-'));
    const layout = loadGrid('mn_dau_nam', 'tt24-2018');
    const years = yearsOf(1, (g) => g.includes('17'), 2020, 2);
    const path = join(dir, 'mn.xlsx');
    const key = await writeGridWorkbook({ path, layout, years: years.slice(0, 1), unitName: years[0]!.school.name, unitCode: years[0]!.school.codeOld });
    expect(key).toEqual(gridAnswerKey(layout, years.slice(0, 1)));
    // the measures see the world: pupils, classes and staff are not all zero
    const y = years[0]!;
    expect(key.hoc_sinh!['83']!.total_all).toBe(y.enrolments.length);
    expect(key.hoc_sinh!['83']!.total_female).toBe(y.enrolments.filter((e) => e.pupil.female).length);
    expect(key.truong_lop!['55']!.total).toBe(y.classes.length);
    expect(key.can_bo!['167']!.total_all).toBe(y.staff.filter((s) => s.group === '03').length);
    expect(key.truong_lop!['32']!.total).toBeNull();

    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(path);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['Trường-Lớp', 'Học sinh', 'Cán bộ', 'Phòng học', 'Ngân sách', 'Errors']);
    const tl = wb.getWorksheet('Trường-Lớp')!;
    expect(tl.getCell('B1').value).toBe('BÁO CÁO THỐNG KÊ GIÁO DỤC MẦM NON');
    expect(tl.getCell('D7').value).toBe('Mã số');
    expect(tl.getCell('B4').value).toBe('Năm học: 2020-2021');
    const hs = wb.getWorksheet('Học sinh')!;
    expect(hs.model.merges).toEqual(expect.arrayContaining(['A1:A3', 'E1:H1', 'E2:E3', 'G2:H2', 'I1:L1']));
    const ph = wb.getWorksheet('Phòng học')!;
    // exceljs' value getter hides a cached 0; the model shows what the file holds
    expect(ph.getCell('E5').model).toMatchObject({ formula: 'F5+G5+H5', result: 0 });
    let checked = 0;
    for (const sheet of layout.sheets) {
      const ws = wb.getWorksheet(sheet.names[0]!)!;
      const codeCol = 3 + sheet.labelSpan;
      ws.eachRow((row) => {
        const code = row.getCell(codeCol).value;
        const cells = code === null ? undefined : key[sheet.key]![String(code)];
        if (!cells) return;
        sheet.columns.forEach((c, i) => {
          const cell = row.getCell(codeCol + 1 + i);
          const got = cell.type === ExcelJS.ValueType.Formula ? cell.model.result : cell.value;
          expect([code, c.key, got ?? null]).toEqual([code, c.key, cells[c.key]]);
          checked++;
        });
      });
    }
    expect(checked).toBeGreaterThan(2500);
  });
});
