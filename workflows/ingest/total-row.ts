// The total row of a list sheet ("Tổng cộng: 37", or "Tổng cộng" | 37) is read and ignored; the
// count it states must agree with the data rows above it on the sheet (answer key: totals_mismatch
// is a warning). The parser is its one home: only the parser sees ignored rows.
import type { Finding } from './lake-writer.js';

/** The count a total row states, or null when it states none. `texts` is indexed by sheet column. */
export function statedTotal(texts: string[]): number | null {
  // the count is in the label cell ("Tổng cộng: 37") or in the next filled cell (a bare number)
  const filled = texts.flatMap((t, i) => (t ? [i] : []));
  const [label, next] = filled;
  if (label === undefined) return null;
  const inLabel = /:\s*(\d[\d.,]*)\s*$/.exec(texts[label]!);
  const text = inLabel ? inLabel[1]! : next !== undefined && /^\d[\d.,]*$/.test(texts[next]!.trim()) ? texts[next]!.trim() : null;
  if (text === null) return null;
  const n = Number(text.replace(/[.,]/g, ''));
  return Number.isInteger(n) ? n : null;
}

/** A warning when the total row's count differs from the sheet's data rows, else null. */
export function checkTotalRow(texts: string[], row: number, sheet: string, records: number): Finding | null {
  const stated = statedTotal(texts);
  if (stated === null || stated === records) return null;
  return {
    severity: 'warning', code: 'totals_mismatch', sheet, row, column: null, header: null,
    value: texts.find((t) => t) ?? null,
    reason: `Cảnh báo: trang "${sheet}", dòng ${row}: dòng tổng ghi ${stated} nhưng trang có ${records} dòng dữ liệu ở trên; giữ các dòng, bỏ qua dòng tổng.`,
  };
}
