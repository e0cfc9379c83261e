// The official statistical returns regenerated from the warehouse: one Excel workbook per form and
// reporting unit (the Sở for every period, the Phòng before 2025-26), in the official layout of
// forms/grids (written by forms/grid-workbook.ts, the same writer as the schools' returns), with
// the numbers of marts.mart_official_form_cells and nothing else. `thongke forms export`.
import ExcelJS from 'exceljs';
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { withWarehouse } from '../warehouse/db.js';
import { warehousePath } from '../warehouse/home.js';
import { gridFor, loadGrid } from '../forms/grids.js';
import { writeGridSheets, type GridTitle, type GridValues } from '../forms/grid-workbook.js';

export const OFFICIAL_FORMS_MART = 'marts.mart_official_form_cells';

export type UnitLevel = 'province' | 'district';

/** One row of the mart, as read. */
export interface OfficialFormCell {
  period: string;
  form: string;
  form_version: string;
  unit_level: UnitLevel;
  unit_code: string;
  unit_name: string;
  province_code: string;
  province_name: string;
  section: string;
  row_id: string;
  column_key: string;
  value: number | null;
  count_schools: number;
  count_returns: number;
}

/** One regenerated return: a form of one reporting unit in one period. */
export interface OfficialForm {
  period: string;
  form: string;
  version: string;
  unitLevel: UnitLevel;
  unitCode: string;
  /** the admin unit ("Tỉnh Hoà Bình", "Huyện Lương Sơn") */
  unitName: string;
  provinceCode: string;
  provinceName: string;
  /** schools whose current return is summed */
  schools: number;
  values: GridValues;
}

export interface WrittenForm {
  path: string;
  form: OfficialForm;
}

export interface ExportOptions {
  /** school year "2024-2025"; all periods when absent */
  period?: string;
  /** a unit code ("17", "148") or its folder name ("so-17", "phong-148") */
  unit?: string;
  /** default $THONGKE_HOME/reports/bieu-mau */
  out?: string;
}

const shortProvince = (name: string) => name.replace(/^(Tỉnh|Thành phố)\s+/, '');

/** The education authority that reports for the unit, as the title block names it. */
export function reportingUnitName(f: Pick<OfficialForm, 'unitLevel' | 'unitName' | 'provinceName'>): string {
  if (f.unitLevel === 'province') return `Sở Giáo dục và Đào tạo ${shortProvince(f.unitName)}`;
  return `Phòng Giáo dục và Đào tạo ${f.unitName.replace(/^(Huyện|Quận|Thị xã|Thành phố)(?=\s)/, (t) => t.toLowerCase())}`;
}

/** Who receives it: a Phòng reports to its Sở, a Sở to the Bộ (the layout's recipient). */
function recipient(f: OfficialForm): string | undefined {
  return f.unitLevel === 'district' ? `Sở Giáo dục và Đào tạo ${shortProvince(f.provinceName)}` : undefined;
}

/** The folder of a reporting unit: so-<province code>, phong-<district code>. */
export function unitFolder(level: UnitLevel, code: string): string {
  return `${level === 'province' ? 'so' : 'phong'}-${code}`;
}

/** Workbook path: <out>/<period>/<unit>/<form>.xlsx (a version not in force for the period gets its version in the name). */
export function formPath(out: string, f: Pick<OfficialForm, 'period' | 'form' | 'version' | 'unitLevel' | 'unitCode'>): string {
  const inForce = gridFor(f.form, Number(f.period.slice(0, 4))).version === f.version;
  return join(out, f.period, unitFolder(f.unitLevel, f.unitCode), `${f.form}${inForce ? '' : `.${f.version}`}.xlsx`);
}

/** Read the mart (read-only), optionally for one period and unit. */
export async function readOfficialFormCells(home: string, opts: Pick<ExportOptions, 'period' | 'unit'> = {}): Promise<OfficialFormCell[]> {
  const where: string[] = [];
  const params: string[] = [];
  if (opts.period) {
    params.push(opts.period);
    where.push(`period = $${params.length}`);
  }
  if (opts.unit) {
    params.push(opts.unit);
    where.push(`(unit_code = $${params.length} or (case unit_level when 'province' then 'so-' else 'phong-' end) || unit_code = $${params.length})`);
  }
  const sql = `select period, form, form_version, unit_level, unit_code, unit_name, province_code, province_name, section, row_id, column_key,
      value, count_schools::integer as count_schools, count_returns::integer as count_returns
    from ${OFFICIAL_FORMS_MART}
    ${where.length ? `where ${where.join(' and ')}` : ''}
    order by period, form, form_version, unit_level desc, unit_code, section_order, row_order, column_order`;
  return withWarehouse(warehousePath(home), async (wh) => {
    const exists = await wh.rows<{ n: number }>(`select count(*)::integer as n from duckdb_tables() where schema_name = 'marts' and table_name = 'mart_official_form_cells'`);
    if (!exists[0]?.n) throw new Error(`Kho dữ liệu chưa có bảng ${OFFICIAL_FORMS_MART}: hãy nạp các biểu thống kê của trường rồi chạy "thongke transform".`);
    return wh.rows<OfficialFormCell>(sql, params);
  }, { readOnly: true });
}

/** The mart's rows as returns (one per period, form, version and unit), values by sheet, row and column. */
export function groupForms(cells: OfficialFormCell[]): OfficialForm[] {
  const forms = new Map<string, OfficialForm>();
  for (const c of cells) {
    const key = [c.period, c.form, c.form_version, c.unit_level, c.unit_code].join('|');
    let f = forms.get(key);
    if (!f) {
      f = { period: c.period, form: c.form, version: c.form_version, unitLevel: c.unit_level, unitCode: c.unit_code, unitName: c.unit_name, provinceCode: c.province_code, provinceName: c.province_name, schools: c.count_returns, values: {} };
      forms.set(key, f);
    }
    ((f.values[c.section] ??= {})[c.row_id] ??= {})[c.column_key] = c.value;
  }
  return [...forms.values()];
}

/** Write one return in the official layout. */
export async function writeOfficialForm(path: string, f: OfficialForm): Promise<void> {
  const layout = loadGrid(f.form, f.version);
  await mkdir(dirname(path), { recursive: true });
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: path, useSharedStrings: true, useStyles: true });
  wb.creator = 'thongke';
  const title: GridTitle = { schoolYear: f.period, unitName: reportingUnitName(f), unitCode: f.unitCode, recipient: recipient(f) };
  writeGridSheets(wb, layout, f.values, title);
  await wb.commit();
}

/** Every return the mart holds (or those of one period / unit), written under opts.out. */
export async function exportOfficialForms(home: string, opts: ExportOptions = {}): Promise<WrittenForm[]> {
  const out = opts.out ?? join(home, 'reports', 'bieu-mau');
  const forms = groupForms(await readOfficialFormCells(home, opts));
  const written: WrittenForm[] = [];
  for (const form of forms) {
    const path = formPath(out, form);
    await writeOfficialForm(path, form);
    written.push({ path, form });
  }
  return written;
}
