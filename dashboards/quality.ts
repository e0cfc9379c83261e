// Data quality for a Sở: the files received from its schools and the rows rejected, by column, by
// school and by kind of reason. Never the rejected values themselves on the page (a bad cell may
// hold a name or a birth date), never the file names, never a row number. The error workbooks to
// send back to each school are the public variant of warehouse/error-workbook.ts (names, birth
// dates and personal ids masked), and go through the same privacy scan as every other file.
import { join } from 'node:path';
import { writePublicErrorWorkbooks } from '../warehouse/error-workbook.js';
import { listRules } from '../warehouse/rules.js';
import type { SiteContext } from './context.js';
import { locatedCtes } from './dimensions.js';
import { escapeHtml, formatInt } from './format.js';
import { noData } from './page.js';
import { reasonWithoutValueSql } from './privacy.js';
import type { ChartSpec } from './registry.js';
import { chartFigure } from './sections.js';
import { htmlTable } from './tables.js';

const REJECTS_BY_COLUMN: ChartSpec = {
  id: 'tu_choi_theo_cot', dataset: '', kind: 'rankedBar', title: 'Dòng bị từ chối theo cột',
  caption: 'Số dòng bị từ chối của các tệp hiện hành, theo cột có lỗi.', by: 'column', order: null, facet: null, limit: null,
  measures: [{ label: 'Dòng bị từ chối', sum: 'rows', minus: null }],
};

export async function qualitySections(ctx: SiteContext): Promise<string> {
  // a validation rule's finding is told by the rule's title (its message quotes files, rows, ids)
  const ruleTitles = new Map(listRules().map((r) => [r.code, r.title]));
  if (!ctx.catalog.tables.has('ops.files') || !ctx.catalog.tables.has('ops.rejects')) return noData('Chất lượng dữ liệu', 'Chưa có bảng ops.files / ops.rejects.');
  // files of this province: by the school in the file's title block (a file with no school cannot be placed)
  const scope = `with ${locatedCtes(ctx.catalog, '(select period, school_code from ops.files where school_code is not null and period is not null)')},
scoped_files as (
    select files.*
    from ops.files as files
    inner join located
        on located.period = files.period
        and located.school_code = files.school_code
    ${ctx.provinceCode !== null ? 'where located.province_code = $1' : ''}
)`;
  const params = ctx.provinceCode !== null ? [ctx.provinceCode] : [];
  const files = await ctx.wh.rowsJson(`${scope}
select school_code, period,
    count(*) filter (where status = 'loaded')::integer as loaded,
    count(*) filter (where status = 'rejected')::integer as rejected,
    count(*) filter (where status = 'superseded')::integer as superseded,
    sum(rows_read) filter (where is_current)::integer as rows_read,
    sum(rows_accepted) filter (where is_current)::integer as rows_accepted,
    sum(rows_rejected) filter (where is_current)::integer as rows_rejected,
    sum(rows_ignored) filter (where is_current)::integer as rows_ignored
from scoped_files group by all order by period desc, school_code`, params);
  if (!files.length) return noData('Chất lượng dữ liệu', 'Chưa có tệp nào của các trường trong tỉnh.');
  const byColumn = await ctx.wh.rowsJson(`${scope}
select coalesce(rejects.column_header, '(cả trang)') as column_header, count(distinct (rejects.file_sha256, rejects.row_number))::integer as count_rows
from ops.rejects as rejects inner join scoped_files on scoped_files.file_sha256 = rejects.file_sha256
where scoped_files.is_current and coalesce(rejects.severity, 'error') = 'error' group by all order by count_rows desc, column_header`, params);
  const bySchool = await ctx.wh.rowsJson(`${scope}
select scoped_files.school_code, count(distinct (rejects.file_sha256, rejects.row_number))::integer as count_rows, count(*)::integer as cells
from ops.rejects as rejects inner join scoped_files on scoped_files.file_sha256 = rejects.file_sha256
where scoped_files.is_current and coalesce(rejects.severity, 'error') = 'error' group by all order by count_rows desc, school_code`, params);
  const byReason = await ctx.wh.rowsJson(`${scope}
select coalesce(rejects.column_header, '(cả trang)') as column_header, coalesce(rejects.severity, 'error') as severity, rejects.code,
    case when list_contains($${params.length + 1}::varchar[], rejects.code) then null else ${reasonWithoutValueSql('rejects.reason')} end as reason,
    count(*)::integer as cells
from ops.rejects as rejects inner join scoped_files on scoped_files.file_sha256 = rejects.file_sha256
where scoped_files.is_current group by all order by cells desc, column_header, reason`, [...params, `[${[...ruleTitles.keys()].join(',')}]`]);

  const n = (v: unknown) => formatInt(Number(v ?? 0));
  const filesTable = htmlTable(
    ['Mã trường', 'Năm học', 'Tệp đã nạp', 'Tệp bị từ chối', 'Tệp đã thay thế', 'Dòng đọc', 'Nhận', 'Từ chối', 'Bỏ qua'].map((label, i) => ({ label, numeric: i >= 2 })),
    files.map((f) => [String(f.school_code), String(f.period), n(f.loaded), n(f.rejected), n(f.superseded), n(f.rows_read), n(f.rows_accepted), n(f.rows_rejected), n(f.rows_ignored)]),
    { caption: 'Tệp nhận được theo trường' },
  );
  // one masked workbook per school and period with findings, under data/tep-loi/<period>/<school>.xlsx
  const workbooks: { period: string; school: string; findings: number }[] = [];
  for (const f of files) {
    const written = await writePublicErrorWorkbooks(ctx.wh, ctx.home, { period: String(f.period), school: String(f.school_code), outDir: join(ctx.dir, 'data', 'tep-loi') });
    workbooks.push(...written.map((w) => ({ period: w.period, school: w.school, findings: w.findings })));
  }
  const workbookList = workbooks.length
    ? `<ul class="downloads">${workbooks.map((w) => `<li><a href="data/tep-loi/${encodeURIComponent(w.period)}/${encodeURIComponent(w.school)}.xlsx" download>Trường ${escapeHtml(w.school)}, năm học ${escapeHtml(w.period)}</a> (${formatInt(w.findings)} lỗi và cảnh báo)</li>`).join('')}</ul>`
    : '<p>Không trường nào có lỗi hay cảnh báo.</p>';
  const chart = byColumn.length
    ? await chartFigure(ctx, REJECTS_BY_COLUMN, byColumn.map((r) => ({ category: String(r.column_header), values: [Number(r.count_rows)] })), null)
    : '<p>Không có dòng nào bị từ chối.</p>';
  return `<p>Số dòng bị từ chối là số liệu vận hành, không phải số liệu cá nhân: được công bố đầy đủ (không ẩn số nhỏ), nhưng không kèm giá trị bị từ chối, tên tệp hay số dòng.</p>
<h2>Tệp theo trường</h2>
${filesTable}
${chart}
<h2>Dòng bị từ chối theo trường</h2>
${htmlTable([{ label: 'Mã trường' }, { label: 'Dòng', numeric: true }, { label: 'Ô lỗi', numeric: true }], bySchool.map((r) => [String(r.school_code), n(r.count_rows), n(r.cells)]), { caption: 'Dòng bị từ chối theo trường' })}
<h2>Lý do từ chối và cảnh báo</h2>
${htmlTable([{ label: 'Cột' }, { label: 'Mức' }, { label: 'Lý do' }, { label: 'Ô', numeric: true }],
    byReason.map((r) => [String(r.column_header), r.severity === 'warning' ? 'cảnh báo' : 'lỗi', r.reason === null ? ruleTitles.get(String(r.code)) ?? String(r.code) : String(r.reason), n(r.cells)]),
    { caption: 'Lý do từ chối và cảnh báo (giá trị, mã và ngày đã được lược bỏ)' })}
<h2>Tệp lỗi để gửi lại trường</h2>
<p>Mỗi tệp Excel là các dòng có lỗi hoặc cảnh báo của một trường trong một năm học, đúng như trường đã gửi, ô có vấn đề được tô màu và lý do ở cột "Lý do". Bản công bố ở đây đã che họ tên, ngày sinh và mã định danh (***); bản đầy đủ lấy bằng <code>thongke errors</code>.</p>
${workbookList}`;
}
