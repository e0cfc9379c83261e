// Reading one cell of a form column: from what exceljs hands over to a typed value, or a reason
// in Vietnamese. The column's type, code list and pattern come from the layout (forms/layouts).
import type { FormColumn, ColumnType } from './layout.js';
import { loadCodelist } from './codelists.js';
import { nfc, looksLikeFormula } from './text.js';
import { detectLegacy, decodeLegacy } from './legacy-text.js';

/** Why a cell was refused or warned about: a stable code (for reports and tests) and a Vietnamese reason. */
export type CellIssueCode =
  | 'missing_required' | 'invalid_cell' | 'bad_date' | 'bad_datetime' | 'bad_integer' | 'bad_school_year'
  | 'code_not_in_list' | 'bad_code_format' | 'legacy_tcvn3' | 'legacy_vni' | 'date_out_of_range' | 'formula_text';

export type CellResult =
  | { ok: true; value: string | null; warning?: { code: CellIssueCode; reason: string } }
  | { ok: false; code: CellIssueCode; reason: string };

const fail = (code: CellIssueCode, reason: string): CellResult => ({ ok: false, code, reason });

/** Unwrap exceljs cell values: formulas (cached result), rich text, hyperlinks, errors. */
export function cellScalar(raw: unknown): string | number | Date | boolean | null | { error: string } {
  if (raw === null || raw === undefined) return null;
  if (typeof raw === 'string' || typeof raw === 'number' || typeof raw === 'boolean' || raw instanceof Date) return raw;
  const o = raw as Record<string, unknown>;
  if ('error' in o) return { error: String(o.error) };
  if ('formula' in o || 'sharedFormula' in o) return cellScalar(o.result);
  if (Array.isArray(o.richText)) return (o.richText as { text: string }[]).map((r) => r.text).join('');
  if ('text' in o) return cellScalar(o.text);
  return String(raw);
}

export function cellText(raw: unknown): string {
  const v = cellScalar(raw);
  if (v === null) return '';
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  if (typeof v === 'object') return v.error;
  return nfc(String(v)).trim();
}

const pad2 = (n: number) => String(n).padStart(2, '0');

function isoDate(y: number, m: number, d: number): string | undefined {
  const dt = new Date(Date.UTC(y, m - 1, d));
  if (dt.getUTCFullYear() !== y || dt.getUTCMonth() !== m - 1 || dt.getUTCDate() !== d) return undefined;
  return `${y}-${pad2(m)}-${pad2(d)}`;
}

/** Excel serial (1900 system) → ISO date. */
export function serialToIso(serial: number): string {
  const ms = Math.round((serial - 25569) * 86400000);
  return new Date(ms).toISOString().slice(0, 10);
}

/** Today as yyyy-mm-dd (UTC), worked out at most once a minute: date cells are many. */
let today = { until: 0, iso: '' };
function todayIso(): string {
  const now = Date.now();
  if (now >= today.until) today = { until: now + 60_000, iso: new Date(now).toISOString().slice(0, 10) };
  return today.iso;
}

/** A date is no earlier than 1900 (Excel's first) and no later than today. */
function dateInRange(iso: string, text: string): CellResult {
  if (iso < '1900-01-01') return fail('date_out_of_range', `ngày "${text}" trước năm 1900`);
  if (iso > todayIso()) return fail('date_out_of_range', `ngày "${text}" ở tương lai`);
  return { ok: true, value: iso };
}

const INVALID_MARKERS = new Set(['#REF!', '#N/A', '#VALUE!', '#DIV/0!', '#NAME?', '#NUM!', '#NULL!', '?', '#']);

/** One cell against its column; `text` is cellText(raw) when the caller has it already. */
export function readCell(column: Pick<FormColumn, 'type' | 'required' | 'codelist' | 'pattern'>, raw: unknown, text = cellText(raw)): CellResult {
  const v = cellScalar(raw);
  if (v !== null && typeof v === 'object' && !(v instanceof Date)) return fail('invalid_cell', `ô lỗi ${v.error}`);
  if (text === '') return column.required ? fail('missing_required', 'thiếu giá trị bắt buộc') : { ok: true, value: null };
  if (INVALID_MARKERS.has(text)) return fail('invalid_cell', `giá trị không hợp lệ "${text}"`);
  return readTyped(column.type, column, v, text);
}

/** A code column's pattern compiled once, and its width when it is a fixed-width number (^[0-9]{n}$). */
const patterns = new Map<string, { re: RegExp; width: number | undefined }>();
function patternOf(pattern: string): { re: RegExp; width: number | undefined } {
  let p = patterns.get(pattern);
  if (!p) {
    const width = /^\^\[0-9\]\{(\d+)\}\$$/.exec(pattern)?.[1];
    patterns.set(pattern, (p = { re: new RegExp(pattern), width: width === undefined ? undefined : Number(width) }));
  }
  return p;
}

function readTyped(type: ColumnType, column: Pick<FormColumn, 'codelist' | 'pattern'>, v: unknown, text: string): CellResult {
  switch (type) {
    case 'text': {
      const legacy = detectLegacy(text);
      if (!legacy) {
        return looksLikeFormula(text)
          ? { ok: true, value: text, warning: { code: 'formula_text', reason: `văn bản "${text}" bắt đầu như một công thức; được giữ nguyên là văn bản, không tính (kiểm tra lại, có thể là mã độc chèn vào bảng tính)` } }
          : { ok: true, value: text };
      }
      const value = decodeLegacy(text, legacy);
      const name = legacy === 'tcvn3' ? 'TCVN3 (ABC)' : 'VNI';
      return { ok: true, value, warning: { code: `legacy_${legacy}`, reason: `văn bản mã ${name} "${text}" đã được chuyển sang Unicode: "${value}"; hãy kiểm tra lại` } };
    }
    case 'integer': {
      const n = typeof v === 'number' ? v : Number(text.replace(/\./g, ''));
      return Number.isInteger(n) ? { ok: true, value: String(n) } : fail('bad_integer', `"${text}" không phải số nguyên`);
    }
    case 'date': {
      if (v instanceof Date) return dateInRange(v.toISOString().slice(0, 10), text);
      if (typeof v === 'number') return dateInRange(serialToIso(v), text);
      const m = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(text);
      const iso = m ? isoDate(Number(m[3]), Number(m[2]), Number(m[1])) : undefined;
      return iso ? dateInRange(iso, text) : fail('bad_date', `"${text}" không phải ngày dạng dd/mm/yyyy`);
    }
    case 'datetime': {
      if (v instanceof Date) return { ok: true, value: v.toISOString().slice(0, 19).replace('T', ' ') };
      if (typeof v === 'number') return { ok: true, value: new Date(Math.round((v - 25569) * 86400000)).toISOString().slice(0, 19).replace('T', ' ') };
      const m = /^(\d{1,2})\/(\d{1,2})\/(\d{4})(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?)?$/.exec(text);
      const day = m ? isoDate(Number(m[3]), Number(m[2]), Number(m[1])) : undefined;
      if (!m || !day || Number(m[4] ?? 0) > 23) return fail('bad_datetime', `"${text}" không phải ngày giờ dạng dd/mm/yyyy hh:mm`);
      return { ok: true, value: `${day} ${pad2(Number(m[4] ?? 0))}:${m[5] ?? '00'}:${m[6] ?? '00'}` };
    }
    case 'school_year': {
      const m = /^(\d{4})\s*[-–]\s*(\d{4})$/.exec(text);
      return m && Number(m[2]) === Number(m[1]) + 1
        ? { ok: true, value: `${m[1]}-${m[2]}` }
        : fail('bad_school_year', `"${text}" không phải năm học dạng 2025-2026`);
    }
    case 'code': {
      const code = typeof v === 'number' && Number.isInteger(v) ? String(v) : text;
      if (column.codelist) {
        const list = loadCodelist(column.codelist);
        const hit = list.lookup(code);
        return hit ? { ok: true, value: hit } : fail('code_not_in_list', `"${text}" không có trong danh mục ${list.codelist} (${list.title})`);
      }
      if (!column.pattern) return { ok: true, value: code };
      const { re, width } = patternOf(column.pattern);
      // a fixed-width numeric code typed into a number cell lost its leading zeros: put them back
      const restored = width && typeof v === 'number' && code.length < width ? code.padStart(width, '0') : code;
      if (!re.test(restored)) return fail('bad_code_format', `"${text}" sai định dạng mã`);
      return { ok: true, value: restored };
    }
  }
}
