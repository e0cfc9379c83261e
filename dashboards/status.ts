// Submission status of the current reporting period (issue 7's tables, written by the periods
// workflows): for the Bộ, every Sở with its schools by status; for a Sở, every unit of its province
// with its status, late, locked, and the outbox of reminders and notices. A province's units are
// the ones its own workflow recorded (event and message ids begin `period:<period>:province:<code>`),
// so a Sở site shows its own province only. Never published: who acted (actor) and the free-text
// reasons of returns (an official may quote a pupil in them).
import type { SiteContext } from './context.js';
import { escapeHtml, formatDateTime, formatInt } from './format.js';
import { noData } from './page.js';
import { htmlTable } from './tables.js';
import { LEVEL_VI as LEVELS } from '../workflows/periods/chain.js';
import { STATUS_VI as STATUSES } from '../workflows/periods/machine.js';

// the workflow's own words for statuses and levels (one home: workflows/periods/)
const STATUS_VI: Record<string, string> = STATUSES;
const LEVEL_VI: Record<string, string> = LEVELS;
const KIND_VI: Record<string, string> = { reminder: 'nhắc hạn', overdue: 'quá hạn', locked: 'báo khóa sổ' };

const workflowOf = (column: string, sep: string) => `split_part(${column}, '${sep}', 1)`;

/** Units of one period in one scope (a workflow id prefix, or all), with status, late and lock. */
function unitsSql(scoped: boolean): string {
  const scope = (col: string, sep: string) => (scoped ? `and ${workflowOf(col, sep)} = 'period:' || $1 || ':province:' || $2` : '');
  return `with events as (
    select * from audit.period_events where period = $1 ${scope('event_id', '#')}
),
outbox as (
    select * from ops.period_outbox where period = $1 ${scope('message_id', '/')}
),
period_lock as (
    select count(*) filter (where action = 'lock') > 0 as locked from events where unit_level = 'period'
),
workflow_province as (
    -- the province whose workflow recorded the unit (the nation's workflow: none)
    select unit_id, min(regexp_extract(event_id, ':province:([0-9]+)#', 1)) as province_code
    from events group by unit_id
),
province_names as (
    select unit_id, any_value(unit_name) as unit_name from events where unit_id like 'province:%' group by unit_id
),
last_event as (
    select unit_id, unit_name, unit_level, to_status
    from events
    where unit_level <> 'period' and to_status is not null
    qualify row_number() over (partition by unit_id order by occurred_at desc, cast(split_part(event_id, '#', 2) as integer) desc) = 1
),
acted as (
    select unit_id,
        bool_or(is_late and action = 'submit') as submitted_late,
        bool_or(action = 'unlock') as unlocked
    from events where unit_level <> 'period' group by unit_id
),
messaged as (
    select unit_id,
        -- "Phụ trách thống kê, <unit name> (<code>)": the unit, not a person
        any_value(regexp_extract(recipient, ',\\s*(.*) \\([^)]*\\)$', 1)) as unit_name,
        bool_or(kind = 'overdue') as overdue,
        min(regexp_extract(message_id, ':province:([0-9]+)/', 1)) as province_code
    from outbox group by unit_id
),
units as (
    select unit_id from last_event union select unit_id from messaged union select unit_id from province_names
)
select
    units.unit_id,
    split_part(units.unit_id, ':', 1) as unit_level,
    split_part(units.unit_id, ':', 2) as unit_code,
    coalesce(last_event.unit_name, province_names.unit_name, nullif(messaged.unit_name, ''), units.unit_id) as unit_name,
    coalesce(nullif(workflow_province.province_code, ''), nullif(messaged.province_code, '')) as province_code,
    coalesce(last_event.to_status, 'open') as status,
    coalesce(acted.submitted_late, false) or (coalesce(last_event.to_status, 'open') in ('open', 'returned') and coalesce(messaged.overdue, false)) as late,
    (select locked from period_lock) and coalesce(last_event.to_status, 'open') in ('open', 'returned') and not coalesce(acted.unlocked, false) as locked_out,
    coalesce(last_event.to_status, 'open') = 'approved' as data_locked
from units
left join last_event on last_event.unit_id = units.unit_id
left join acted on acted.unit_id = units.unit_id
left join messaged on messaged.unit_id = units.unit_id
left join workflow_province on workflow_province.unit_id = units.unit_id
left join province_names on province_names.unit_id = units.unit_id
order by unit_level, unit_code`;
}

interface Unit {
  unit_id: string;
  unit_level: string;
  unit_code: string;
  unit_name: string;
  /** the Sở whose workflow recorded the unit */
  province_code: string | null;
  status: string;
  late: boolean;
  locked_out: boolean;
  data_locked: boolean;
}

function lockText(u: Unit): string {
  if (u.data_locked) return 'dữ liệu đã khóa (đã duyệt)';
  if (u.locked_out) return 'quá thời hạn khóa sổ: không nộp được nữa';
  return '';
}

export async function statusSections(ctx: SiteContext): Promise<string> {
  for (const t of ['ops.periods', 'audit.period_events', 'ops.period_outbox']) {
    if (!ctx.catalog.tables.has(t)) return noData('Trạng thái nộp báo cáo', `Bảng ${t} chưa có trong kho dữ liệu.`);
  }
  const province = ctx.provinceCode;
  const [period] = await ctx.wh.rowsJson(
    `select period, deadline_at::varchar as deadline_at, lock_at::varchar as lock_at from ops.periods
     ${province !== null ? `where exists (select 1 from audit.period_events e where e.period = ops.periods.period and split_part(e.event_id, '#', 1) = 'period:' || ops.periods.period || ':province:' || $1)` : ''}
     order by opened_at desc limit 1`,
    province !== null ? [province] : [],
  );
  if (!period) return noData('Trạng thái nộp báo cáo', 'Chưa có kỳ báo cáo nào được mở cho phạm vi của trang này.');
  const p = String(period.period);
  const head = `<p>Kỳ báo cáo <strong>${escapeHtml(p)}</strong>: hạn nộp ${formatDateTime(new Date(String(period.deadline_at)))}, khóa sổ ${formatDateTime(new Date(String(period.lock_at)))}.
Trạng thái lấy từ nhật ký kỳ báo cáo (audit.period_events) lúc dựng trang. Không công bố người thao tác và nội dung lý do trả lại.</p>`;
  const units = (await ctx.wh.rowsJson(unitsSql(province !== null), province !== null ? [p, province] : [p])) as unknown as Unit[];
  if (province === null) return head + nationTable(units);
  return head + provinceTables(units) + (await outboxTable(ctx, p, province));
}

function nationTable(units: Unit[]): string {
  const provinces = units.filter((u) => u.unit_level === 'province');
  const byProvince = new Map<string, Unit[]>();
  for (const s of units.filter((u) => u.unit_level === 'school' && u.province_code !== null)) {
    const list = byProvince.get(s.province_code!) ?? [];
    list.push(s);
    byProvince.set(s.province_code!, list);
  }
  const count = (list: Unit[], f: (u: Unit) => boolean) => formatInt(list.filter(f).length);
  const rows = provinces.map((pv) => {
    const list = byProvince.get(pv.unit_code) ?? [];
    return [pv.unit_code, pv.unit_name, STATUS_VI[pv.status] ?? pv.status, count(list, () => true), count(list, (u) => u.status === 'open'),
      count(list, (u) => u.status === 'submitted' || u.status === 'reviewed'), count(list, (u) => u.status === 'approved'), count(list, (u) => u.status === 'returned'),
      count(list, (u) => u.late), count(list, (u) => u.locked_out)];
  });
  if (!rows.length) return '<p>Chưa có Sở nào trong kỳ này.</p>';
  return htmlTable(
    ['Mã', 'Sở GDĐT', 'Trạng thái của Sở', 'Trường', 'Chưa nộp', 'Đã nộp, chờ duyệt', 'Đã duyệt', 'Bị trả lại', 'Muộn', 'Bị khóa'].map((label, i) => ({ label, numeric: i >= 3 })),
    rows, { id: 'status-provinces', caption: 'Trạng thái nộp và duyệt của các Sở' },
  );
}

function provinceTables(all: Unit[]): string {
  let units = all;
  units = units.filter((u) => u.unit_level !== 'province' && u.unit_level !== 'nation');
  const counted = units;
  const by = (s: string) => counted.filter((u) => u.status === s).length;
  const summary = `<div class="kpi">${[
    [formatInt(by('open')), 'chưa nộp'], [formatInt(by('submitted') + by('reviewed')), 'đã nộp, chờ duyệt'], [formatInt(by('approved')), 'đã duyệt'],
    [formatInt(by('returned')), 'bị trả lại'], [formatInt(counted.filter((u) => u.late).length), 'muộn hạn'], [formatInt(counted.filter((u) => u.locked_out).length), 'bị khóa sổ'],
  ].map(([v, l]) => `<div><b>${v}</b>${l}</div>`).join('')}</div>`;
  const table = htmlTable(
    ['Cấp', 'Mã', 'Đơn vị', 'Trạng thái', 'Muộn', 'Khóa'].map((label) => ({ label })),
    units.map((u) => [LEVEL_VI[u.unit_level] ?? u.unit_level, u.unit_code, u.unit_name, STATUS_VI[u.status] ?? u.status, u.late ? 'muộn' : '', lockText(u)]),
    { id: 'status-units', caption: 'Trạng thái từng đơn vị', filterable: true },
  );
  const statuses = Object.values(STATUS_VI);
  return `${summary}
<div class="filters" role="search"><label>Trạng thái<select id="status-filter" data-filter="status-units" data-column="3"><option value="">Tất cả</option>${statuses.map((s) => `<option>${s}</option>`).join('')}</select></label>
<label>Muộn<select id="late-filter" data-filter="status-units" data-column="4"><option value="">Tất cả</option><option>muộn</option></select></label>
<p>Đang hiện <output data-count="status-units">${units.length}</output> / ${units.length} đơn vị.</p></div>
${table}`;
}

async function outboxTable(ctx: SiteContext, period: string, province: string): Promise<string> {
  const rows = await ctx.wh.rowsJson(`select kind, unit_id, message, due_at::varchar as due_at, sent_at is not null as sent
from ops.period_outbox
where period = $1 and split_part(message_id, '/', 1) = 'period:' || $1 || ':province:' || $2
order by due_at, unit_id`, [period, province]);
  if (!rows.length) return '<h2>Hộp thư nhắc việc</h2><p>Chưa có thư nhắc nào trong kỳ này.</p>';
  return `<h2>Hộp thư nhắc việc</h2>
<p>Thư nhắc hạn, báo quá hạn và báo khóa sổ do hệ thống soạn cho các đơn vị (ops.period_outbox); "chưa gửi" = chưa có kênh gửi nào nhận.</p>
${htmlTable(['Loại', 'Đơn vị', 'Nội dung', 'Thời điểm', 'Đã gửi'].map((label) => ({ label })),
    rows.map((r) => [KIND_VI[String(r.kind)] ?? String(r.kind), String(r.unit_id).split(':')[1] ?? '', String(r.message), formatDateTime(new Date(String(r.due_at))), r.sent ? 'đã gửi' : 'chưa gửi']),
    { id: 'outbox', caption: 'Hộp thư nhắc việc của kỳ báo cáo' })}`;
}
