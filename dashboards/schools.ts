// The searchable school table of a Sở site: one row per school in the latest school year, with the
// sums of the dataset's count columns, filtered in the browser by text and by commune.
import { dataset, published, writeSiteFile, type SiteContext } from './context.js';
import { escapeHtml, SUPPRESSED } from './format.js';
import { noData } from './page.js';
import { isCountColumn } from './privacy.js';
import { columnLabel, countCell, suppress } from './sections.js';
import { csv, htmlTable, type Cell } from './tables.js';
import { quotedIdentifier as q } from '../warehouse/sql.js';

export async function schoolTable(ctx: SiteContext, datasetId: string): Promise<string> {
  const ds = dataset(ctx, datasetId);
  const pub = published(ctx, ds);
  if (!pub || ds.schoolColumn === null) return noData('Danh sách trường', `${ds.title}: chưa có trong kho dữ liệu.`);
  const text = [ds.schoolColumn, 'school_name', 'commune_name', 'level_name'].filter((c) => pub.columns.includes(c));
  const counts = pub.columns.filter(isCountColumn);
  const select = [
    `${q(ds.schoolColumn)} as c0`,
    ...text.slice(1).map((c, i) => (c === 'level_name' ? `string_agg(distinct level_name, ', ' order by level_name) as c${i + 1}` : `any_value(${q(c)}) as c${i + 1}`)),
    ...counts.map((c, i) => `sum(${q(c)})::double as n${i}`),
  ];
  const rows = await ctx.wh.rowsJson(`${pub.with}
select ${select.join(', ')}
from published
where period = (select max(period) from published)
group by ${q(ds.schoolColumn)}
order by ${q(ds.schoolColumn)}`, pub.params);
  if (!rows.length) return noData('Danh sách trường', 'Không có trường nào trong phạm vi của trang này.');
  const head = [...text, ...counts].map((c) => columnLabel(ds, c));
  const body = rows.map((r) => [...text.map((_, i) => String(r[`c${i}`] ?? '')), ...counts.map((_, i) => suppress(Number(r[`n${i}`])))]);
  const cells: Cell[][] = body.map((r) => r.map((v) => (typeof v === 'string' ? v : countCell(v))));
  await writeSiteFile(ctx, 'data/truong.csv', csv(head, body.map((r) => r.map((v) => (v === null ? SUPPRESSED : v)))));
  const communeCol = text.indexOf('commune_name');
  const communes = communeCol < 0 ? [] : [...new Set(body.map((r) => String(r[communeCol])))].sort((a, b) => a.localeCompare(b, 'vi'));
  const filter = `<div class="filters" role="search">
<label>Tìm trường (mã, tên, xã)<input type="search" id="school-search" data-filter="schools" placeholder="ví dụ: Tiểu học"></label>
${communeCol < 0 ? '' : `<label>Xã, phường<select id="school-commune" data-filter="schools" data-column="${communeCol}"><option value="">Tất cả</option>${communes.map((c) => `<option>${escapeHtml(c)}</option>`).join('')}</select></label>`}
<p>Đang hiện <output data-count="schools">${rows.length}</output> / ${rows.length} trường.</p>
</div>`;
  return `${filter}
${htmlTable(head.map((h, i) => ({ label: h, numeric: i >= text.length })), cells, { id: 'schools', filterable: true, caption: `${ds.title}, năm học mới nhất` })}
<p class="note"><a href="data/truong.csv" download>Tải bảng (CSV)</a>. Bấm vào tiêu đề cột để sắp xếp.</p>`;
}
