// Writes a grid form (forms/grids/*.json) in its official layout: the title block above the
// sheet that carries it, multi-row merged headers, the column-number row (A, B, C, 1, 2, …), the
// rows with their codes, and totals as formulas with cached values where the real export has
// them (Phòng học). One home for the layout of a written return: the fixtures (a school's or a
// Sở's export, fixtures/grid-writer.ts) and the regenerated official forms (reports/) use it.
import type ExcelJS from 'exceljs';
import { columnLetter } from './text.js';
import { formulaParts, type GridLayout, type GridRow, type GridSheet } from './grids.js';

/** sheet key → row id → column key → value (null: the cell is left blank) */
export type GridValues = Record<string, Record<string, Record<string, number | null>>>;

/** What the title block says about the return. */
export interface GridTitle {
  /** "2024-2025" */
  schoolYear: string;
  unitName: string;
  unitCode: string;
  /** the unit the return goes to; the layout's recipient when not given */
  recipient?: string;
}

/** Where a sheet's header starts: below the title block on the sheet that carries it. */
export const TITLE_BLOCK_ROWS = 6;

interface Placed {
  cell: (r: number, c: number) => string;
  firstValueCol: number;
  colOf: Map<string, number>;
}

function placeColumns(sheet: GridSheet): Placed {
  const codeCol = 3 + sheet.labelSpan;
  const firstValueCol = codeCol + 1;
  return {
    cell: (r, c) => `${columnLetter(c)}${r}`,
    firstValueCol,
    colOf: new Map(sheet.columns.map((c, i) => [c.key, firstValueCol + i])),
  };
}

/** Header cells and merges: a header text spans the columns that share the path so far. */
function writeHeader(ws: ExcelJS.Worksheet, sheet: GridSheet, top: number, placed: Placed): void {
  const depth = sheet.headerDepth;
  const bottom = top + depth - 1;
  const labelEnd = 1 + sheet.labelSpan;
  const stubs: [number, number, string | null][] = [
    [1, 1, sheet.ttHeader],
    [2, labelEnd, sheet.labelHeader],
    [labelEnd + 1, labelEnd + 1, 'Đơn vị tính'],
    [labelEnd + 2, labelEnd + 2, 'Mã số'],
  ];
  for (const [from, to, text] of stubs) {
    if (text !== null) ws.getCell(top, from).value = text;
    if (depth > 1 || to > from) ws.mergeCells(top, from, bottom, to);
  }
  const cols = sheet.columns;
  const textAt = (i: number, level: number) => cols[i]!.path[level]?.[0];
  const samePrefix = (a: number, b: number, level: number) => cols[a]!.path.slice(0, level + 1).every((v, k) => v[0] === cols[b]!.path[k]?.[0]);
  for (let level = 0; level < depth; level++) {
    for (let i = 0; i < cols.length; ) {
      const text = textAt(i, level);
      if (text === undefined) {
        i++;
        continue;
      }
      let j = i;
      while (j + 1 < cols.length && cols[j + 1]!.path.length > level && samePrefix(i, j + 1, level)) j++;
      const c1 = placed.firstValueCol + i;
      const c2 = placed.firstValueCol + j;
      ws.getCell(top + level, c1).value = text;
      // a header whose columns all end here runs down to the last header row
      const ends = cols.slice(i, j + 1).every((c) => c.path.length === level + 1);
      const r2 = ends ? bottom : top + level;
      if (c2 > c1 || r2 > top + level) ws.mergeCells(top + level, c1, r2, c2);
      i = j + 1;
    }
  }
  for (let r = top; r <= bottom; r++) ws.getRow(r).font = { bold: true };
}

function codeCell(id: string): string | number {
  return /^\d+$/.test(id) ? Number(id) : id;
}

function writeSheet(wb: ExcelJS.stream.xlsx.WorkbookWriter, layout: GridLayout, sheet: GridSheet, values: GridValues[string], title: GridTitle): void {
  const ws = wb.addWorksheet(sheet.names[0]!);
  const placed = placeColumns(sheet);
  const labelEnd = 1 + sheet.labelSpan;
  ws.getColumn(1).width = 8;
  ws.getColumn(2).width = sheet.labelSpan > 1 ? 30 : 60;
  for (let c = 3; c < placed.firstValueCol + sheet.columns.length; c++) if (c > labelEnd) ws.getColumn(c).width = 10;
  let top = 1;
  if (sheet.titleBlock) {
    const put = (r: number, c: number, v: string) => (ws.getCell(r, c).value = v);
    const side = labelEnd + 1;
    put(1, 2, layout.titles[0]!);
    put(2, 2, layout.periodTexts[0]!);
    put(3, 2, layout.dataDateTexts[0]!);
    // thongke's synthetic files also name the school year and the unit code (the 2020 export
    // carries neither; the parser then falls back as documented in parse-grid.ts)
    put(4, 2, `${layout.schoolYearLabels[0]}: ${title.schoolYear}`);
    if (sheet.labelSpan > 0) for (const r of [1, 2, 3]) ws.mergeCells(r, 2, r, side - 1);
    put(1, side, layout.reportingUnitLabels[0]!);
    put(2, side, title.unitName);
    put(3, side, layout.recipientLabels[0]!);
    put(4, side, title.recipient ?? layout.recipient);
    put(5, side, `${layout.unitCodeLabels[0]}: ${title.unitCode}`);
    if (layout.version.startsWith('tt25')) put(5, 2, `Biểu mẫu ${layout.symbol}`);
    ws.getRow(1).font = { bold: true };
    top = TITLE_BLOCK_ROWS + 1;
  }
  writeHeader(ws, sheet, top, placed);
  // the column-number row: A (label), B (unit), C (code), then 1, 2, …
  const numbers = top + sheet.headerDepth;
  for (let c = 2; c <= labelEnd; c++) ws.getCell(numbers, c).value = 'A';
  if (sheet.labelSpan > 1) ws.mergeCells(numbers, 2, numbers, labelEnd);
  ws.getCell(numbers, labelEnd + 1).value = 'B';
  ws.getCell(numbers, labelEnd + 2).value = 'C';
  sheet.columns.forEach((_, i) => (ws.getCell(numbers, placed.firstValueCol + i).value = i + 1));
  const formulas = formulaParts(sheet);
  let r = numbers + 1;
  for (const row of sheet.rows) {
    writeRow(ws, sheet, row, r, values[row.id], placed, formulas);
    r++;
  }
  // stream writer: rows are committed in order once written
  ws.commit();
}

function writeRow(ws: ExcelJS.Worksheet, sheet: GridSheet, row: GridRow, r: number, cells: Record<string, number | null> | undefined, placed: Placed, formulas: Map<string, string[]>): void {
  const labelEnd = 1 + sheet.labelSpan;
  if (row.tt !== null) ws.getCell(r, 1).value = /^\d+(\.\d+)?$/.test(row.tt) ? Number(row.tt) : row.tt;
  ws.getCell(r, 2).value = row.label;
  if (sheet.labelSpan > 1) ws.mergeCells(r, 2, r, labelEnd);
  if (row.heading) return;
  if (row.unit !== null) ws.getCell(r, labelEnd + 1).value = row.unit;
  ws.getCell(r, labelEnd + 2).value = codeCell(row.id);
  for (const col of sheet.columns) {
    const v = cells?.[col.key] ?? null;
    const c = placed.colOf.get(col.key)!;
    const parts = formulas.get(col.key);
    const result = parts ? parts.reduce((n, p) => n + (cells?.[p] ?? 0), 0) : 0;
    // a total that is not the sum of its parts (schools' returns that disagree, summed) is
    // written as the number it is: a formula would show a different one
    const agrees = v === null || Math.abs(v - result) < 1e-9;
    if (parts && !row.blank && agrees) {
      const cell = ws.getCell(r, c);
      cell.value = { formula: parts.map((p) => placed.cell(r, placed.colOf.get(p)!)).join('+'), result };
      // exceljs drops a falsy cached result when a value is set; the model keeps a 0
      if (result === 0) cell.model = { ...cell.model, result };
    } else if (v !== null) ws.getCell(r, c).value = v;
  }
}

/** Every sheet of the layout, in order, into a streaming workbook (values missing: blank cells). */
export function writeGridSheets(wb: ExcelJS.stream.xlsx.WorkbookWriter, layout: GridLayout, values: GridValues, title: GridTitle): void {
  for (const sheet of layout.sheets) writeSheet(wb, layout, sheet, values[sheet.key] ?? {}, title);
}
