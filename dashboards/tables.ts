// Tables for people (HTML, sortable by the client script) and for machines (CSV).
import { escapeHtml } from './format.js';
import { csvCell } from '../forms/csv.js';

export interface Column {
  label: string;
  numeric?: boolean;
}

/** A cell: its text, and for numbers the value to sort by (null = suppressed or missing). */
export type Cell = string | { text: string; value: number | null };

export interface TableOptions {
  id?: string;
  caption?: string;
  /** the client script may filter its rows (a search box or a select names it by id) */
  filterable?: boolean;
}

export function htmlTable(columns: Column[], rows: Cell[][], opts: TableOptions = {}): string {
  const th = columns.map((c) => `<th scope="col"${c.numeric ? ' class="n"' : ''}>${escapeHtml(c.label)}</th>`).join('');
  const td = (cell: Cell, i: number) => {
    const numeric = columns[i]?.numeric ? ' class="n"' : '';
    if (typeof cell === 'string') return `<td${numeric}>${escapeHtml(cell)}</td>`;
    return `<td${numeric} data-value="${cell.value ?? ''}">${escapeHtml(cell.text)}</td>`;
  };
  const body = rows.map((r) => `<tr>${r.map(td).join('')}</tr>`).join('\n');
  const attrs = `${opts.id ? ` id="${escapeHtml(opts.id)}"` : ''} class="data${opts.filterable ? ' filterable' : ''}" data-sortable`;
  const caption = opts.caption ? `<caption>${escapeHtml(opts.caption)}</caption>` : '';
  return `<table${attrs}>${caption}<thead><tr>${th}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

export function csv(header: string[], rows: unknown[][]): string {
  return [header, ...rows].map((r) => r.map(csvCell).join(',')).join('\n') + '\n';
}
