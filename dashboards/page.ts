// The shell every page shares (head, navigation, footer) and the blocks pages are made of: a chart
// with its table and CSV, a key-figure row, a "chưa có dữ liệu" notice.
import { escapeHtml, formatDateTime, SMALL_CELL_THRESHOLD, SUPPRESSED } from './format.js';
import type { PageSpec } from './registry.js';

export interface Shell {
  /** e.g. "Bộ GDĐT" or "Sở GDĐT Tỉnh Thái Nguyên" */
  site: string;
  pages: PageSpec[];
  builtAt: Date;
  /** extra markup for <head> (the SQL console's import map) */
  head?: string;
  /** module scripts beside assets/app.js */
  scripts?: string[];
}

export function page(shell: Shell, current: PageSpec, body: string): string {
  const nav = shell.pages.map((p) => `<a href="${p.path}"${p.path === current.path ? ' aria-current="page"' : ''}>${escapeHtml(p.title)}</a>`).join('\n');
  const scripts = ['<script src="assets/app.js" defer></script>', ...(shell.scripts ?? []).map((s) => `<script type="module" src="${s}"></script>`)].join('\n');
  return `<!doctype html>
<html lang="vi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(current.title)} — ${escapeHtml(shell.site)}</title>
<link rel="icon" href="data:,"><link rel="stylesheet" href="assets/style.css">${shell.head ?? ''}
${scripts}
</head>
<body>
<header><p class="site"><a href="../index.html">thongke</a> · ${escapeHtml(shell.site)}</p>
<nav aria-label="Trang">${nav}</nav></header>
<main>
<h1>${escapeHtml(current.title)}</h1>
${body}
</main>
<footer><p>${SUPPRESSED} = số từ 1 đến ${SMALL_CELL_THRESHOLD - 1}, không công bố để bảo vệ thông tin cá nhân. Chỉ có số tổng hợp: không có họ tên, ngày sinh, mã định danh.
Dựng lúc ${formatDateTime(shell.builtAt)}.</p></footer>
</body></html>
`;
}

export interface Figure {
  id: string;
  title: string;
  caption: string;
  svg: string;
  table: string;
  csv: string;
}

/** A chart, what it shows, its data as a table (folded) and as CSV. */
export function figure(f: Figure): string {
  return `<section class="chart" id="${escapeHtml(f.id)}">
<h2>${escapeHtml(f.title)}</h2>
<figure data-chart="${escapeHtml(f.id)}">${f.svg}
<figcaption>${escapeHtml(f.caption)} <a href="${escapeHtml(f.csv)}" download>Tải số liệu (CSV)</a></figcaption></figure>
<details class="table"><summary>Bảng số liệu</summary>
${f.table}
</details>
</section>`;
}

export function noData(title: string, what: string): string {
  return `<section class="nodata"><h2>${escapeHtml(title)}</h2><p><strong>Chưa có dữ liệu.</strong> ${escapeHtml(what)}</p></section>`;
}

export function kpis(items: { value: string; label: string }[]): string {
  return `<div class="kpi">${items.map((k) => `<div><b>${escapeHtml(k.value)}</b>${escapeHtml(k.label)}</div>`).join('')}</div>`;
}
