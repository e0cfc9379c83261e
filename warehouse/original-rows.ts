// The school's own rows, read back from the original workbook kept in the lake (lake/raw): the
// header row of each sheet with the layout column each sheet column holds (by the header texts of
// forms/layouts), and the cells of chosen rows as the school typed them. Validation findings use it
// to name a column by its letter; the error workbook copies the rows it reports from it, so a row
// rejected at parse time or by a rule loses nothing.
import { listLayouts, type FormColumn } from '../forms/layout.js';
import { cellText } from '../forms/cells.js';
import { fold } from '../forms/text.js';
import { openXlsx } from '../workflows/ingest/xlsx-reader.js';

export interface SheetColumns {
  /** the header row (1-based), or null when no list header was found (a grid form, a bad file) */
  headerRow: number | null;
  /** header text of each sheet column (1-based), as in the file */
  headers: string[];
  /** layout column of each sheet column (1-based), where the header names one */
  columns: (FormColumn | undefined)[];
  /** chosen rows' cell texts, by row number, indexed by sheet column (1-based) */
  rows: Map<number, string[]>;
}

/** Header texts of every layout of a form, folded once: folded text → layout column. */
function headerIndex(form: string): Map<string, FormColumn> {
  const index = new Map<string, FormColumn>();
  for (const l of listLayouts().filter((x) => x.form === form)) {
    for (const c of l.columns) for (const h of c.headers) if (!index.has(fold(h))) index.set(fold(h), c);
  }
  return index;
}

/**
 * Read the sheets of a stored workbook: per sheet, its list header (the first row within the
 * layout's search rows whose texts name at least half of a form layout's recognising columns) and
 * the texts of the rows asked for. Hidden sheets are read too (their rows may be reported).
 */
export async function readOriginalRows(path: string, form: string | null, wanted: Map<string, Set<number>>): Promise<Map<string, SheetColumns>> {
  const index = form ? headerIndex(form) : new Map<string, FormColumn>();
  const layouts = form ? listLayouts().filter((x) => x.form === form) : [];
  const searchRows = Math.max(0, ...layouts.map((l) => l.headerSearchRows));
  const recognise = new Set(layouts.flatMap((l) => l.recognise));
  const out = new Map<string, SheetColumns>();
  const wb = await openXlsx(path);
  try {
    for (const sheet of wb.sheets) {
      const rowsWanted = wanted.get(sheet.name);
      if (!rowsWanted) continue;
      const last = Math.max(...rowsWanted, searchRows);
      const sc: SheetColumns = { headerRow: null, headers: [], columns: [], rows: new Map() };
      for await (const row of sheet.rows()) {
        if (row.number > last) break;
        const texts: string[] = [];
        for (let c = 1; c < row.values.length; c++) texts[c] = cellText(row.values[c]);
        if (sc.headerRow === null && row.number <= searchRows) {
          const cols = texts.map((t) => (t ? index.get(fold(t)) : undefined));
          const named = new Set(cols.filter((c): c is FormColumn => !!c && recognise.has(c.key)).map((c) => c.key));
          if (named.size > 0 && named.size * 2 >= Math.min(...layouts.map((l) => l.recognise.length))) {
            sc.headerRow = row.number;
            sc.headers = texts.map((t) => t ?? '');
            sc.columns = cols;
          }
        }
        if (rowsWanted.has(row.number)) sc.rows.set(row.number, texts.map((t) => t ?? ''));
      }
      out.set(sheet.name, sc);
    }
  } finally {
    wb.close();
  }
  return out;
}

/** Sheet column (1-based) holding a layout column key, if the header names it. */
export function columnOf(sc: SheetColumns | undefined, key: string): number | undefined {
  if (!sc) return undefined;
  const i = sc.columns.findIndex((c) => c?.key === key);
  return i > 0 ? i : undefined;
}
