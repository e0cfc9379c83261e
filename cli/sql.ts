// `thongke sql`: read-only queries of the warehouse, printed as a table, CSV, JSON or Arrow IPC.
import type { Writable } from 'node:stream';
import { tableFromJSON, tableToIPC } from 'apache-arrow';
import { withWarehouse } from '../warehouse/db.js';

export const FORMATS = ['table', 'csv', 'json', 'arrow'] as const;
export type Format = (typeof FORMATS)[number];

function csvCell(v: unknown): string {
  if (v === null || v === undefined) return '';
  const s = typeof v === 'object' ? JSON.stringify(v) : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function toCsv(columns: string[], rows: Record<string, unknown>[]): string {
  return [columns.map(csvCell).join(','), ...rows.map((r) => columns.map((c) => csvCell(r[c])).join(','))].join('\n') + '\n';
}

export function toTable(columns: string[], rows: Record<string, unknown>[]): string {
  const cells = rows.map((r) => columns.map((c) => (r[c] === null || r[c] === undefined ? 'NULL' : typeof r[c] === 'object' ? JSON.stringify(r[c]) : String(r[c]))));
  const widths = columns.map((c, i) => Math.max(c.length, ...cells.map((r) => r[i]!.length)));
  const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i]!)).join(' │ ');
  return [line(columns), widths.map((w) => '─'.repeat(w)).join('─┼─'), ...cells.map(line), `(${rows.length} dòng)`].join('\n') + '\n';
}

export async function runSql(dbPath: string, query: string, format: Format, out: Writable): Promise<void> {
  await withWarehouse(dbPath, async (wh) => {
    const reader = await wh.connection.runAndReadAll(query);
    const columns = reader.columnNames();
    const rows = reader.getRowObjectsJson() as Record<string, unknown>[];
    if (format === 'json') out.write(JSON.stringify(rows) + '\n');
    else if (format === 'csv') out.write(toCsv(columns, rows));
    else if (format === 'arrow') out.write(tableToIPC(tableFromJSON(rows as Record<string, never>[]), 'stream'));
    else out.write(toTable(columns, rows));
  }, { readOnly: true });
}
