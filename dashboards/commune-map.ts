// The commune map of a Sở site. No commune boundaries are vendored (shared/data/geo has province
// polygons only; the permissively licensed commune-level data is a table of centroids), so the map
// is honest about what it is: the province outline (reference/geo/provinces_2025.geojson) with each
// commune of 1/7/2025 as a point at its centroid (reference/admin/two_tier_2025, vietnamadminunits,
// MIT), the communes with pupils as dots whose area follows the count.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { communePointMap, type CommunePoint } from './charts.js';
import { dataset, provinceBoundaries, published, writeSiteFile, type SiteContext } from './context.js';
import { SUPPRESSED } from './format.js';
import { figure, noData } from './page.js';
import { countCell, suppress } from './sections.js';
import { csv, htmlTable } from './tables.js';
import { parseCsv } from '../forms/csv.js';

const centroidsFile = fileURLToPath(new URL(`${import.meta.url.endsWith('/dist/dashboards/commune-map.js') ? '../../' : '../'}reference/admin/two_tier_2025/vietnamadminunits_2025_34-province-3321-ward_with_location.csv`, import.meta.url));

/** Centroids of the communes of one province (codes zero-padded: the file drops the zeros). */
export function communeCentroids(provinceCode: string): CommunePoint[] {
  return parseCsv(readFileSync(centroidsFile, 'utf8'))
    .filter((r) => (r.provinceCode ?? '').padStart(2, '0') === provinceCode)
    .map((r) => ({ code: (r.wardCode ?? '').padStart(5, '0'), name: r.ward ?? '', lon: Number(r.wardLon), lat: Number(r.wardLat) }))
    .filter((p) => Number.isFinite(p.lon) && Number.isFinite(p.lat));
}

const ID = 'ban_do_xa';
const TITLE = 'Bản đồ học sinh theo xã, phường';

export async function communeMapSection(ctx: SiteContext): Promise<string> {
  if (ctx.provinceCode === null) return '';
  const outline = provinceBoundaries().features.find((f) => f.properties.province_code === ctx.provinceCode);
  if (!outline) return noData(TITLE, `Không có ranh giới tỉnh mã ${ctx.provinceCode}.`);
  const pub = published(ctx, dataset(ctx, 'hoc_sinh_theo_truong_khoi'));
  if (!pub) return noData(TITLE, 'Chưa có số học sinh theo trường.');
  const rows = await ctx.wh.rowsJson(`${pub.with}
select commune_code, any_value(commune_name) as commune_name, sum(count_pupils)::double as pupils, max(period) as period
from published
where period = (select max(period) from published)
group by commune_code
order by commune_code`, pub.params);
  if (!rows.length) return noData(TITLE, 'Không có số liệu trong phạm vi của trang này.');
  const values = new Map(rows.map((r) => [String(r.commune_code), suppress(Number(r.pupils))]));
  const points = communeCentroids(ctx.provinceCode).map((p) => (values.has(p.code) ? { ...p, value: values.get(p.code)! } : p));
  const placed = new Set(points.filter((p) => p.value !== undefined).map((p) => p.code));
  const head = ['Mã xã, phường', 'Xã, phường', 'Học sinh', 'Trên bản đồ'];
  const body = rows.map((r) => [String(r.commune_code ?? ''), String(r.commune_name ?? '(không rõ)'), values.get(String(r.commune_code)) ?? null, placed.has(String(r.commune_code)) ? 'có' : 'không (không có tọa độ)']);
  const file = `data/${ID}.csv`;
  await writeSiteFile(ctx, file, csv(head, body.map((r) => r.map((v) => (v === null ? SUPPRESSED : v)))));
  const table = htmlTable(head.map((label, i) => ({ label, numeric: i === 2 })), body.map(([c, n, v, m]) => [String(c), String(n), countCell(v as number | null), String(m)]), { caption: TITLE });
  return figure({
    id: ID, title: TITLE,
    caption: `Học sinh đang học theo xã, phường (đơn vị từ 1/7/2025), năm học ${String(rows[0]!.period)}. Bản đồ điểm: mỗi xã, phường là một chấm tại tâm của nó (chưa có ranh giới xã được phép dùng), trên đường ranh giới tỉnh.`,
    svg: communePointMap(outline, points, 'Học sinh'), table, csv: file,
  });
}
