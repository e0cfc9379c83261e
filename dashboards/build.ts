// Builds the static site from the marts: one page with a Plot chart rendered to SVG at build
// time, the table behind it, the schools table and the data-quality summary. No script, no CDN.
// Counts only: no names, birth dates or personal ids; small cells suppressed (format.ts).
import * as Plot from '@observablehq/plot';
import { parseHTML } from 'linkedom';
import { mkdir, writeFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { sql } from 'kysely';
import type { Warehouse } from '../warehouse/db.js';
import { kyselyFor } from '../warehouse/kysely.js';
import { escapeHtml, formatInt, publishedCount, publishedShare, suppressCounts, SMALL_CELL_THRESHOLD, SUPPRESSED } from './format.js';

export interface SiteTotals {
  period: string | null;
  schools: number;
  pupils: number;
  pupilsFemale: number;
  pupilsEthnicMinority: number;
  filesLoaded: number;
  filesRejected: number;
  rowsRejected: number;
}

export interface BuiltSite {
  dir: string;
  index: string;
  totals: SiteTotals;
}

interface SchoolRow {
  school_code: string;
  school_name: string;
  pupils: number;
  female: number;
  ethnic: number;
  classes: number;
}

const CSS = `body{font-family:system-ui,sans-serif;margin:2rem auto;max-width:60rem;padding:0 1rem;color:#222}
h1{font-size:1.5rem}h2{font-size:1.2rem;margin-top:2rem}table{border-collapse:collapse;width:100%;font-size:.9rem}
th,td{border-bottom:1px solid #ddd;padding:.3rem .5rem;text-align:left}td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
.kpi{display:flex;gap:1.5rem;flex-wrap:wrap}.kpi div{border:1px solid #ddd;border-radius:.4rem;padding:.6rem 1rem}
.kpi b{display:block;font-size:1.4rem}figure{margin:0}figcaption{font-size:.85rem;color:#555}.note{font-size:.85rem;color:#555}
@media print{body{margin:0}}`;

function table(headers: { label: string; numeric?: boolean }[], rows: string[][]): string {
  const th = headers.map((h) => `<th${h.numeric ? ' class="n"' : ''}>${escapeHtml(h.label)}</th>`).join('');
  const tr = rows.map((r) => `<tr>${r.map((c, i) => `<td${headers[i]?.numeric ? ' class="n"' : ''}>${escapeHtml(c)}</td>`).join('')}</tr>`).join('\n');
  return `<table><thead><tr>${th}</tr></thead><tbody>\n${tr}\n</tbody></table>`;
}

function csv(rows: Record<string, unknown>[]): string {
  if (!rows.length) return '';
  const cols = Object.keys(rows[0]!);
  const cell = (v: unknown) => {
    const s = v === null || v === undefined ? '' : String(v);
    return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return [cols.join(','), ...rows.map((r) => cols.map((c) => cell(r[c])).join(','))].join('\n') + '\n';
}

export async function buildSite(wh: Warehouse, siteDir: string): Promise<BuiltSite> {
  const db = kyselyFor(wh.instance);
  const mart = 'marts.mart_pupils_by_school_grade' as const;
  const [latest] = await db.selectFrom(mart).select(sql<string>`max(period)`.as('period')).execute();
  const period = latest?.period ?? null;

  const byGrade = period
    ? await db.selectFrom(mart)
      .select(['grade_code', 'grade_name', sql<number>`sum(count_pupils)::integer`.as('pupils'), sql<number>`sum(count_pupils_female)::integer`.as('female')])
      .where('period', '=', period).groupBy(['grade_code', 'grade_name']).orderBy('grade_code').execute()
    : [];
  const schools: SchoolRow[] = period
    ? await db.selectFrom(mart)
      .select([
        'school_code', 'school_name',
        sql<number>`sum(count_pupils)::integer`.as('pupils'),
        sql<number>`sum(count_pupils_female)::integer`.as('female'),
        sql<number>`sum(count_pupils_ethnic_minority)::integer`.as('ethnic'),
        sql<number>`sum(count_classes)::integer`.as('classes'),
      ])
      .where('period', '=', period).groupBy(['school_code', 'school_name']).orderBy('school_code').execute()
    : [];
  const files = await db.selectFrom('ops.files')
    .select(['file_name', 'status', 'rows_read', 'rows_accepted', 'rows_rejected', 'rows_ignored'])
    .orderBy('file_name').execute();
  const rejectsByColumn = await db.selectFrom('ops.rejects')
    .innerJoin('ops.files', 'ops.files.file_sha256', 'ops.rejects.file_sha256')
    .select([sql<string>`coalesce(column_header, '(cả trang)')`.as('column'), sql<number>`count(distinct (ops.rejects.file_sha256, row_number))::integer`.as('rows')])
    .where('ops.files.is_current', '=', true)
    .groupBy(sql`1`).orderBy(sql`2`, 'desc').execute();

  const totals: SiteTotals = {
    period,
    schools: schools.length,
    pupils: schools.reduce((s, r) => s + r.pupils, 0),
    pupilsFemale: schools.reduce((s, r) => s + r.female, 0),
    pupilsEthnicMinority: schools.reduce((s, r) => s + r.ethnic, 0),
    filesLoaded: files.filter((f) => f.status === 'loaded').length,
    filesRejected: files.filter((f) => f.status === 'rejected').length,
    rowsRejected: files.filter((f) => f.status !== 'superseded').reduce((s, f) => s + Number(f.rows_rejected), 0),
  };

  // the chart: pupils by grade and sex, rendered to SVG here (server-side DOM)
  const { document } = parseHTML('<!doctype html><html><body></body></html>');
  const chartData = byGrade.flatMap((g) => [
    { grade: g.grade_name ?? g.grade_code, sex: 'Nữ', pupils: g.female },
    { grade: g.grade_name ?? g.grade_code, sex: 'Nam', pupils: g.pupils - g.female },
  ]);
  const svg = Plot.plot({
    document,
    width: 800,
    height: 320,
    marginLeft: 60,
    x: { label: null, domain: byGrade.map((g) => g.grade_name ?? g.grade_code) },
    y: { label: 'Học sinh', grid: true, tickFormat: (d: number) => formatInt(d) },
    color: { legend: true, domain: ['Nữ', 'Nam'], range: ['#c2185b', '#1565c0'] },
    marks: [Plot.barY(chartData, { x: 'grade', y: 'pupils', fill: 'sex', title: (d: { pupils: number }) => formatInt(d.pupils) }), Plot.ruleY([0])],
  }) as unknown as { outerHTML: string };

  const title = period ? `Học sinh đang học theo trường và khối — năm học ${period}` : 'Chưa có dữ liệu';
  const html = `<!doctype html>
<html lang="vi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>thongke — ${escapeHtml(title)}</title><style>${CSS}</style></head>
<body>
<h1>${escapeHtml(title)}</h1>
<div class="kpi">
<div><b>${formatInt(totals.schools)}</b>trường</div>
<div><b>${formatInt(totals.pupils)}</b>học sinh đang học</div>
<div><b>${publishedShare(totals.pupilsFemale, totals.pupils)}</b>học sinh nữ</div>
<div><b>${publishedShare(totals.pupilsEthnicMinority, totals.pupils)}</b>học sinh dân tộc thiểu số</div>
</div>
<h2>Học sinh theo khối</h2>
<figure>${svg.outerHTML}<figcaption>Học sinh đang học (không tính chuyển đi, thôi học) theo khối và giới tính. Dữ liệu: <a href="data/hoc_sinh_theo_khoi.csv">CSV</a>.</figcaption></figure>
${table([{ label: 'Khối' }, { label: 'Học sinh', numeric: true }, { label: 'Nữ', numeric: true }], byGrade.map((g) => [g.grade_name ?? g.grade_code, publishedCount(g.pupils), publishedCount(g.female)]))}
<h2>Theo trường</h2>
${table(
    [{ label: 'Mã trường' }, { label: 'Trường' }, { label: 'Lớp', numeric: true }, { label: 'Học sinh', numeric: true }, { label: 'Nữ', numeric: true }, { label: 'Tỷ lệ nữ', numeric: true }, { label: 'DTTS', numeric: true }, { label: 'Tỷ lệ DTTS', numeric: true }],
    schools.map((s) => [s.school_code, s.school_name, formatInt(s.classes), publishedCount(s.pupils), publishedCount(s.female), publishedShare(s.female, s.pupils), publishedCount(s.ethnic), publishedShare(s.ethnic, s.pupils)]),
  )}
<p class="note">${SUPPRESSED} = số từ 1 đến ${SMALL_CELL_THRESHOLD - 1}, không công bố để bảo vệ thông tin cá nhân. Dữ liệu theo trường: <a href="data/hoc_sinh_theo_truong_khoi.csv">CSV</a>.</p>
<h2>Chất lượng dữ liệu</h2>
${table(
    [{ label: 'Tệp' }, { label: 'Trạng thái' }, { label: 'Dòng đọc', numeric: true }, { label: 'Nhận', numeric: true }, { label: 'Từ chối', numeric: true }, { label: 'Bỏ qua', numeric: true }],
    files.map((f) => [f.file_name, { loaded: 'đã nạp', rejected: 'bị từ chối', superseded: 'đã thay thế' }[f.status], formatInt(f.rows_read), formatInt(f.rows_accepted), formatInt(f.rows_rejected), formatInt(f.rows_ignored)]),
  )}
<h3>Dòng bị từ chối theo cột</h3>
${table([{ label: 'Cột' }, { label: 'Số dòng', numeric: true }], rejectsByColumn.map((r) => [r.column, formatInt(r.rows)]))}
<p class="note">Chi tiết từng dòng (tệp, trang, dòng, cột, lý do) có trong kho dữ liệu: <code>thongke sql "select * from ops.rejects"</code>.</p>
</body></html>
`;

  await mkdir(join(siteDir, 'data'), { recursive: true });
  const martRows = period ? await wh.rowsJson(`select * from ${mart} order by period, school_code, grade_code`) : [];
  await writeFile(join(siteDir, 'data', 'hoc_sinh_theo_truong_khoi.csv'), csv(martRows.map(suppressCounts)));
  await writeFile(join(siteDir, 'data', 'hoc_sinh_theo_khoi.csv'), csv(byGrade.map((g) => suppressCounts({ ...g }))));
  const index = join(siteDir, 'index.html');
  await writeFile(`${index}.tmp`, html);
  await rename(`${index}.tmp`, index);
  // no db.destroy(): it would close the instance, which belongs to `wh`
  return { dir: siteDir, index, totals };
}
