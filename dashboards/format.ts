// Numbers for people, Vietnamese style (1.234.567; 95,7%), and small-cell suppression.

const integer = new Intl.NumberFormat('vi-VN', { maximumFractionDigits: 0 });
const percent = new Intl.NumberFormat('vi-VN', { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1 });

/** Counts below this are not published (rule 6); shown as SUPPRESSED. */
export const SMALL_CELL_THRESHOLD = 5;
export const SUPPRESSED = 'x';

export function formatInt(n: number | bigint): string {
  return integer.format(n);
}

export function formatPercent(part: number, whole: number): string {
  return whole === 0 ? '–' : percent.format(part / whole).replace(/\s/g, '');
}

/** A published count: zero stays zero, 1…threshold−1 is suppressed. */
export function publishedCount(n: number | bigint): string {
  const v = Number(n);
  return v > 0 && v < SMALL_CELL_THRESHOLD ? SUPPRESSED : formatInt(v);
}

/** A published share: suppressed when its numerator is a small cell. */
export function publishedShare(part: number, whole: number): string {
  return part > 0 && part < SMALL_CELL_THRESHOLD ? SUPPRESSED : formatPercent(part, whole);
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** A row for a published data file: count columns (count_*, pupils, female) with small cells suppressed. */
export function suppressCounts(row: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(row)) {
    const n = Number(v);
    out[k] = /^(count_|pupils$|female$)/.test(k) && n > 0 && n < SMALL_CELL_THRESHOLD ? SUPPRESSED : v;
  }
  return out;
}

const dateTime = new Intl.DateTimeFormat('vi-VN', { timeZone: 'Asia/Ho_Chi_Minh', day: '2-digit', month: '2-digit', year: 'numeric', hour: '2-digit', minute: '2-digit', hour12: false });

/** A moment for people, Vietnamese style in Vietnam's time zone: 05/03/2026 14:07. */
export function formatDateTime(d: Date): string {
  const p = Object.fromEntries(dateTime.formatToParts(d).map((x) => [x.type, x.value]));
  return `${p.day}/${p.month}/${p.year} ${p.hour}:${p.minute}`;
}

/** Bytes for people: 1,5 MB. */
export function formatBytes(n: number): string {
  const units = ['B', 'KB', 'MB', 'GB'];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) { v /= 1024; i++; }
  return `${new Intl.NumberFormat('vi-VN', { maximumFractionDigits: i ? 1 : 0 }).format(v)} ${units[i]}`;
}
