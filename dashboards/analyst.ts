// The analyst site: every published table as Parquet and CSV (written by DuckDB COPY, counts
// suppressed: null in Parquet, "x" in CSV), the data dictionary from the registry, example
// queries, and the SQL console over the Parquet files (DuckDB-WASM from the site itself).
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { type SiteContext } from './context.js';
import { escapeHtml, formatBytes, SMALL_CELL_THRESHOLD, SUPPRESSED } from './format.js';
import { noData } from './page.js';
import { isCountColumn, suppressedSql } from './privacy.js';
import type { Dataset } from './registry.js';
import { htmlTable } from './tables.js';
import { quotedIdentifier as q, quotedString } from '../warehouse/sql.js';
import { mkdir } from 'node:fs/promises';

/** The datasets whose tables exist and whose columns the registry describes: what the analyst site publishes. */
export function publishedDatasets(ctx: SiteContext): Dataset[] {
  return ctx.registry.datasets.filter((d) => publishedColumns(ctx, d).length > 0);
}

/**
 * The columns published for download: those the registry describes, in the table's order. The
 * registry is the allow-list: a column added to a mart is published once someone has said what
 * it means (and so that it may be published).
 */
export function publishedColumns(ctx: SiteContext, ds: Dataset): { name: string; type: string }[] {
  return (ctx.catalog.columns.get(ds.table) ?? []).filter((c) => ds.columns[c.name] !== undefined);
}

/** The COPY statements writing one dataset's Parquet and CSV files. */
export function copySql(ds: Dataset, columns: string[], dir: string): { parquet: string; csv: string } {
  const table = ds.table.split('.').map(q).join('.');
  const asNull = columns.map((c) => (isCountColumn(c) ? `${suppressedSql(q(c))} as ${q(c)}` : q(c)));
  const asX = columns.map((c) => (isCountColumn(c) ? `coalesce(${suppressedSql(q(c))}::varchar, ${quotedString(SUPPRESSED)}) as ${q(c)}` : q(c)));
  return {
    parquet: `copy (select ${asNull.join(', ')} from ${table} order by all) to ${quotedString(join(dir, `${ds.id}.parquet`))} (format parquet, compression zstd)`,
    csv: `copy (select ${asX.join(', ')} from ${table} order by all) to ${quotedString(join(dir, `${ds.id}.csv`))} (format csv, header true)`,
  };
}

export async function writeDownloads(ctx: SiteContext): Promise<void> {
  const dir = join(ctx.dir, 'data');
  await mkdir(dir, { recursive: true });
  for (const ds of publishedDatasets(ctx)) {
    const sql = copySql(ds, publishedColumns(ctx, ds).map((c) => c.name), dir);
    await ctx.wh.run(sql.parquet);
    await ctx.wh.run(sql.csv);
  }
}

export function dictionary(ctx: SiteContext): string {
  const sections = ctx.registry.datasets.map((ds) => {
    if (!ctx.catalog.columns.has(ds.table)) return noData(ds.title, `${ds.description} (bảng ${ds.table} chưa có trong kho dữ liệu).`);
    const cols = publishedColumns(ctx, ds);
    if (!cols.length) return noData(ds.title, `${ds.description} Bảng ${ds.table} đã có nhưng chưa được mô tả trong từ điển dữ liệu, nên chưa được công bố.`);
    const hidden = ctx.catalog.columns.get(ds.table)!.length - cols.length;
    const size = (ext: string) => formatBytes(statSync(join(ctx.dir, 'data', `${ds.id}.${ext}`)).size);
    const table = htmlTable([{ label: 'Cột' }, { label: 'Kiểu' }, { label: 'Ý nghĩa' }],
      cols.map((c) => [c.name, c.type, `${ds.columns[c.name] ?? '(chưa có mô tả)'}${isCountColumn(c.name) ? ` — ẩn nếu từ 1 đến ${SMALL_CELL_THRESHOLD - 1}` : ''}`]),
      { id: `dict-${ds.id}`, caption: `Các cột của ${ds.id}` }) + (hidden ? `<p class="note">${hidden} cột khác của bảng chưa được mô tả nên chưa công bố.</p>` : '');
    const examples = ds.examples.map((e) => `<h4>${escapeHtml(e.title)}</h4><pre><code>${escapeHtml(e.sql)}</code></pre>`).join('\n');
    return `<section class="dataset" id="${ds.id}">
<h2>${escapeHtml(ds.title)} <code>${ds.id}</code></h2>
<p>${escapeHtml(ds.description)}${ds.grain ? ` Mỗi dòng: ${escapeHtml(ds.grain)}.` : ''} Nguồn: bảng <code>${escapeHtml(ds.table)}</code> của kho dữ liệu.</p>
<p>Tải về: <a href="data/${ds.id}.parquet" download>Parquet</a> (${size('parquet')}, số bị ẩn = null) · <a href="data/${ds.id}.csv" download>CSV</a> (${size('csv')}, số bị ẩn = ${SUPPRESSED})</p>
${table}
${examples ? `<h3>Truy vấn mẫu</h3>\n${examples}` : ''}
</section>`;
  });
  return `<p>Mọi bảng được công bố, từng cột và ý nghĩa; số liệu tải về dạng Parquet và CSV. Truy vấn trực tiếp trên trình duyệt ở trang <a href="sql.html">Truy vấn SQL</a>
(tên bảng trong truy vấn là tên tệp, ví dụ <code>${escapeHtml(publishedDatasets(ctx)[0]?.id ?? '…')}</code>).</p>
<div class="filters" role="search"><label>Tìm cột<input type="search" data-filter="dict-${publishedDatasets(ctx)[0]?.id ?? ''}"></label></div>
${sections.join('\n')}`;
}

export function sqlConsole(ctx: SiteContext): string {
  const tables = publishedDatasets(ctx).map((d) => ({ id: d.id }));
  if (!tables.length) return noData('Truy vấn SQL', 'Chưa có bảng nào được công bố.');
  const first = publishedDatasets(ctx)[0]!;
  const examples = publishedDatasets(ctx).flatMap((d) => d.examples);
  return `<p>DuckDB chạy ngay trên trình duyệt (WebAssembly, tải từ chính trang này, khoảng 38 MB ở lần chạy đầu), trên các tệp Parquet đã công bố. Bảng: ${tables.map((t) => `<code>${t.id}</code>`).join(', ')}.
Trang cần được mở qua máy chủ web (ví dụ <code>thongke serve</code>), không mở trực tiếp từ tệp; không cần Internet.</p>
<p class="note">Bản DuckDB-WASM này không có sẵn bộ đọc Parquet (nó tải phần mở rộng parquet từ Internet), nên tệp Parquet được đọc bằng parquet-wasm (cũng phục vụ từ trang này) rồi nạp vào DuckDB dưới dạng Arrow: vẫn là chính các tệp Parquet đã công bố, giữ nguyên kiểu cột.</p>
<script type="application/json" id="sql-tables">${JSON.stringify(tables)}</script>
<form id="sql-console">
<label for="sql-input">Câu truy vấn</label>
<textarea id="sql-input" rows="6" spellcheck="false">select * from ${first.id} limit 20</textarea>
<p><button type="submit">Chạy</button> ${examples.map((e) => `<button type="button" data-example="${escapeHtml(e.sql)}">${escapeHtml(e.title)}</button>`).join(' ')}</p>
</form>
<p id="sql-status" role="status" aria-live="polite">Sẵn sàng.</p>
<p id="sql-source" class="note"></p>
<div id="sql-result"></div>`;
}
