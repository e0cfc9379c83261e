// The official forms regenerated from the warehouse: a generated set's statistical returns go
// through the real stack (Temporal, parser threads, DuckDB, the SQL transforms), `thongke forms
// export` writes the Sở and Phòng workbooks, and each workbook — opened with thongke's own reader
// and with SheetJS — shows exactly the numbers of marts.mart_official_form_cells; the Sở and
// Phòng totals equal the sums of the answer key's true values over the schools whose returns were
// loaded; and the parser recognises each workbook as the same form, period and unit (round trip).
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import XLSX from 'xlsx';
import { fromDist, dist } from '../helpers/dist.js';
import { startIngestStack, tempHome, thongke, warehouseQuery } from '../helpers/env.js';
import type { KeyGrid, KeySchool } from '../../fixtures/key-check.js';

type Forms = typeof import('../../reports/official-forms.js');
type Grids = typeof import('../../forms/grids.js');
type Reader = typeof import('../../workflows/ingest/xlsx-reader.js');
type Parser = typeof import('../../workflows/ingest/parse-grid.js');

/** The mart's row as the test reads it (no province columns). */
type MartRow = Omit<import('../../reports/official-forms.js').OfficialFormCell, 'province_code' | 'province_name'>;

const home = tempHome('thongke-forms-');
const env = { THONGKE_HOME: home };
process.env.THONGKE_HOME = home;
const setDir = join(home, 'set');
const outDir = join(home, 'bieu-mau');
const jsonl = <T>(file: string) => readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as T);
const cellKey = (...parts: string[]) => parts.join('|');

let stack: Awaited<ReturnType<typeof startIngestStack>>;
let mart: MartRow[] = [];
let loadedGrids: KeyGrid[] = [];
let keySchools: KeySchool[] = [];
let workbooks: string[] = [];
/** period|form → the rules (finding codes) the schools' current returns broke at ingest */
const inputRules = new Map<string, Set<string>>();
let grids: Grids;

beforeAll(async () => {
  grids = await fromDist<Grids>('forms/grids.js');
  const gen = await thongke(['fixtures', '--scale', 'tiny', '--seed', '1', '--out', setDir], env);
  expect(gen.code, gen.stderr).toBe(0);
  const keyGrids = jsonl<KeyGrid>(join(setDir, 'answer-key', 'grids.jsonl'));
  keySchools = jsonl<KeySchool>(join(setDir, 'answer-key', 'schools.jsonl'));
  stack = await startIngestStack(home);
  // the statistical returns of the set (schools' and the Sở's own export), through the real stack
  await (await dist.client()).runIngestBatch(stack.client, { files: keyGrids.map((g) => join(setDir, g.file)), transform: true });
  const { withWarehouse } = await dist.db();
  const wh = join(home, 'warehouse.duckdb');
  const files = (await withWarehouse(wh, (w) => w.rowsJson(`select file_sha256 from ops.files where is_current and status = 'loaded'`), { readOnly: true })) as { file_sha256: string }[];
  const current = new Set(files.map((f) => f.file_sha256));
  const sha = (p: string) => createHash('sha256').update(readFileSync(p)).digest('hex');
  loadedGrids = keyGrids.filter((g) => current.has(sha(join(setDir, g.file))));
  const findings = (await withWarehouse(wh, (w) => w.rowsJson(`select distinct f.period, f.form, r.code from ops.rejects as r
      inner join ops.files as f on f.file_sha256 = r.file_sha256 where f.is_current`), { readOnly: true })) as { period: string; form: string; code: string }[];
  for (const f of findings) {
    const k = cellKey(f.period, f.form);
    inputRules.set(k, (inputRules.get(k) ?? new Set()).add(f.code));
  }
  mart = (await withWarehouse(wh, (w) => w.rows<MartRow>(`select period, form, form_version, unit_level, unit_code, unit_name, section, row_id, column_key,
      value, count_schools::integer as count_schools, count_returns::integer as count_returns from marts.mart_official_form_cells`), { readOnly: true }));
  const exp = await thongke(['forms', 'export', '--out', outDir], env);
  expect(exp.code, exp.stderr).toBe(0);
  workbooks = readdirSync(outDir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.xlsx')).map((f) => join(outDir, f)).sort();
}, 600_000);

afterAll(async () => {
  await stack?.stop();
});

/** mart rows of one workbook: <out>/<period>/<so|phong>-<code>/<form>.xlsx */
function rowsOf(path: string): MartRow[] {
  const [period, unit, file] = relative(outDir, path).split('/') as [string, string, string];
  const [prefix, code] = unit.split('-') as [string, string];
  const level = prefix === 'so' ? 'province' : 'district';
  const form = file.replace(/\.xlsx$/, '').split('.')[0]!;
  return mart.filter((r) => r.period === period && r.unit_level === level && r.unit_code === code && r.form === form);
}

/** A sheet as a grid of plain values (1-based rows and columns), formulas as their cached results. */
type Sheet = (string | number | null)[][];

function locate(sheet: Sheet): { codeCol: number; firstData: number; colOfNumber: Map<number, number> } {
  // the column-number row: "C" under "Mã số", then 1, 2, 3 … over the value columns
  for (let r = 1; r < sheet.length; r++) {
    const row = sheet[r] ?? [];
    const codeCol = row.findIndex((v) => v === 'C');
    if (codeCol < 0 || !(sheet.slice(1, r).some((x) => x?.[codeCol] === 'Mã số'))) continue;
    const colOfNumber = new Map<number, number>();
    row.forEach((v, c) => typeof v === 'number' && c > codeCol && colOfNumber.set(v, c));
    return { codeCol, firstData: r + 1, colOfNumber };
  }
  throw new Error('no column-number row');
}

/** Compare one workbook (sheet name → grid) with its mart rows, in both directions. */
function compare(path: string, sheets: Map<string, Sheet>, rows: MartRow[]): string[] {
  const problems: string[] = [];
  const layout = grids.loadGrid(rows[0]!.form, rows[0]!.form_version);
  const want = new Map(rows.map((r) => [cellKey(r.section, r.row_id, r.column_key), r.value]));
  let seen = 0;
  for (const s of layout.sheets) {
    const sheet = sheets.get(s.names[0]!);
    if (!sheet) {
      problems.push(`${path}: no sheet ${s.names[0]}`);
      continue;
    }
    const { codeCol, firstData, colOfNumber } = locate(sheet);
    expect(colOfNumber.size).toBe(s.columns.length);
    for (let r = firstData; r < sheet.length; r++) {
      const code = sheet[r]?.[codeCol];
      if (code === null || code === undefined || code === '') continue;
      s.columns.forEach((col, i) => {
        const got = sheet[r]![colOfNumber.get(i + 1)!] ?? null;
        const k = cellKey(s.key, String(code), col.key);
        if (!want.has(k)) problems.push(`${path} ${s.key} row ${String(code)} ${col.key}: not in the mart`);
        else if ((want.get(k) ?? null) !== got) problems.push(`${path} ${s.key} row ${String(code)} ${col.key}: workbook ${String(got)}, mart ${String(want.get(k))}`);
        seen++;
      });
    }
  }
  if (seen !== rows.length) problems.push(`${path}: ${seen} value cells, the mart has ${rows.length}`);
  return problems;
}

describe('official forms regenerated from the warehouse', () => {
  test('one workbook per form and reporting unit: Sở every period, Phòng before 2025-26', () => {
    // expected from the answer key's own geography (schools.jsonl), not from the mart
    const byCode = new Map(keySchools.flatMap((s) => [[s.code_old, s], [s.code_2025, s]] as const));
    const expected = new Set<string>();
    for (const g of loadedGrids) {
      const s = byCode.get(g.unit);
      if (!s) continue; // the Sở's own export: not a school's return
      const start = Number(g.period.slice(0, 4));
      if (start >= 2025) expected.add(`${g.period}/so-${s.new_province}/${g.form}.xlsx`);
      else {
        expected.add(`${g.period}/so-${s.old_province}/${g.form}.xlsx`);
        expected.add(`${g.period}/phong-${s.old_district}/${g.form}.xlsx`);
      }
    }
    expect(expected.size).toBeGreaterThan(20);
    expect(workbooks.map((p) => relative(outDir, p)).sort()).toEqual([...expected].sort());
    // TT 24/2018 before 2025-26, TT 25/2024 from it
    for (const r of mart) expect(r.form_version.startsWith(Number(r.period.slice(0, 4)) >= 2025 ? 'tt25' : 'tt24')).toBe(true);
  });

  test('Sở and Phòng totals equal the answer key summed over the schools whose returns were loaded', async () => {
    // every cell of every unit, its value, schools and returns (fixtures/key-check.ts, as on the province set)
    const { compareOfficialFormsWithKey } = await import('../../fixtures/key-check.js');
    const c = await compareOfficialFormsWithKey(setDir, warehouseQuery(home));
    expect(c.expected).toBe(mart.length);
    expect(c.returns).toBe(loadedGrids.filter((g) => keySchools.some((s) => s.code_old === g.unit || s.code_2025 === g.unit)).length);
    expect(c.differences).toEqual([]);
    // the numbers are not all zero: the comparison has something to compare
    expect(c.nonZero).toBeGreaterThan(1000);
  });

  test("thongke's reader: every value cell of every workbook equals the mart", async () => {
    const { openXlsx } = await fromDist<Reader>('workflows/ingest/xlsx-reader.js');
    const problems: string[] = [];
    for (const path of workbooks) {
      const wb = await openXlsx(path);
      const sheets = new Map<string, Sheet>();
      try {
        for (const ws of wb.sheets) {
          const grid: Sheet = [];
          for await (const row of ws.rows()) {
            grid[row.number] = (row.values as unknown[]).map((v) => {
              const x = v !== null && typeof v === 'object' && 'formula' in v ? (v as unknown as { result: unknown }).result : v;
              return x === undefined ? null : (x as string | number | null);
            });
          }
          sheets.set(ws.name, grid);
        }
      } finally {
        wb.close();
      }
      problems.push(...compare(path, sheets, rowsOf(path)));
    }
    expect(workbooks.length).toBeGreaterThan(0);
    expect(problems).toEqual([]);
  });

  test('SheetJS: every value cell of every workbook equals the mart; the title block names the unit and the school year', async () => {
    const { reportingUnitName } = await fromDist<Forms>('reports/official-forms.js');
    const problems: string[] = [];
    for (const path of workbooks) {
      const wb = XLSX.readFile(path);
      const sheets = new Map<string, Sheet>();
      for (const name of wb.SheetNames) {
        const aoa = XLSX.utils.sheet_to_json<(string | number | null)[]>(wb.Sheets[name]!, { header: 1, defval: null, blankrows: true, raw: true });
        // to 1-based rows and columns, as the other reader gives them
        sheets.set(name, [[], ...aoa.map((r) => [null, ...r])]);
      }
      const rows = rowsOf(path);
      problems.push(...compare(path, sheets, rows));
      const top = [...sheets.values()][0]!.slice(1, 7).flat().filter((v): v is string => typeof v === 'string');
      const r0 = rows[0]!;
      const unit = reportingUnitName({ unitLevel: r0.unit_level, unitName: r0.unit_name, provinceName: '' });
      if (!top.includes(unit)) problems.push(`${path}: title block lacks "${unit}"`);
      if (!top.some((t) => t.includes(r0.period))) problems.push(`${path}: title block lacks ${r0.period}`);
      if (!top.some((t) => t.endsWith(`: ${r0.unit_code}`))) problems.push(`${path}: title block lacks the unit code ${r0.unit_code}`);
    }
    expect(problems).toEqual([]);
  });

  test('round trip: the parser recognises each workbook as the same form, version, period and unit, with the same numbers and no finding of its own', async () => {
    const { readGrid } = await fromDist<Parser>('workflows/ingest/parse-grid.js');
    const problems: string[] = [];
    for (const path of workbooks) {
      const rows = rowsOf(path);
      const r0 = rows[0]!;
      const read = await readGrid(path, relative(outDir, path));
      if (read.layout?.form !== r0.form || read.layout.version !== r0.form_version) problems.push(`${path}: read as ${read.layout?.form}@${read.layout?.version}`);
      if (read.period !== r0.period || read.unitCode !== r0.unit_code) problems.push(`${path}: read period ${read.period}, unit ${read.unitCode}`);
      // a sum of consistent returns is consistent: a rule the regenerated form breaks must have
      // been broken by one of the schools' returns summed into it (a warning kept at ingest)
      const inherited = inputRules.get(cellKey(r0.period, r0.form)) ?? new Set<string>();
      const own = read.issues.filter((i) => i.severity === 'error' || i.rule === null || !inherited.has(i.rule));
      if (own.length) problems.push(`${path}: ${own.map((i) => i.reason).join(' | ')}`);
      const want = new Map(rows.map((r) => [cellKey(r.section, r.row_id, r.column_key), r.value]));
      const got = new Map(read.cells.map((c) => [cellKey(c.sheetKey, c.rowId, c.columnKey), c.value]));
      for (const [k, v] of want) if ((got.get(k) ?? null) !== v) problems.push(`${path} ${k}: parsed ${got.get(k)}, mart ${v}`);
      for (const k of got.keys()) if (!want.has(k)) problems.push(`${path} ${k}: parsed, not in the mart`);
    }
    expect(problems).toEqual([]);
  });
});
