// `thongke period …`: open a reporting period, show its tree, act on a unit. Messages in Vietnamese.
import { parseArgs } from 'node:util';
import { readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { extname } from 'node:path';
import type { Client } from '@temporalio/client';
import { connectClient } from '../workflows/client.js';
import { parseCsv } from '../forms/csv.js';
import { formatInt } from '../dashboards/format.js';
import { CHAINS, LEVEL_VI, buildTree, chainFor, type RosterSchool } from '../workflows/periods/chain.js';
import { PeriodError, actOn, openPeriod, periodStatus, resolveUnitId, type PeriodOverview } from '../workflows/periods/client.js';
import { STATUS_VI, formatTimeVi } from '../workflows/periods/machine.js';
import type { ActionKind, PeriodSpec, SchoolLevel, UnitView } from '../workflows/periods/types.js';

export const PERIOD_USAGE = `thongke period open <tên> --forms <mẫu,…> --data-date <YYYY-MM-DD> --deadline <hạn> --lock <khoá sổ>
                     --units <danh sách trường .csv|.json> [--scope <mã tỉnh>] [--remind 7d,3d,1d] [--chain <mã>]
  thongke period status <tên> [--json]
  thongke period submit|approve|unlock <tên> <đơn vị> [--step <bước>] [--reason <lý do>]
  thongke period return <tên> <đơn vị> --reason <lý do>
  (<hạn>, <khoá sổ>: YYYY-MM-DD = hết ngày đó giờ Việt Nam, một thời điểm ISO, hoặc +30s/+10m/+2h/+7d từ bây giờ;
   <đơn vị>: mã trường, hoặc commune:<mã>, district:<mã>, province:<mã>, nation:BGDDT; --by <người> ghi vào nhật ký)`;

const err = (s: string) => process.stderr.write(`${s}\n`);
const UNITS_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3600_000, d: 86_400_000 };

/** `30s`, `10m`, `2h`, `7d` → ms. */
export function parseDuration(s: string): number {
  const m = /^(\d+)([smhd])$/.exec(s.trim());
  if (!m) throw new PeriodError(`Khoảng thời gian không hợp lệ: "${s}" (ví dụ 30s, 10m, 2h, 7d)`);
  return Number(m[1]) * UNITS_MS[m[2]!]!;
}

/** A bare date is the end of that day in Vietnam (UTC+7); `+7d` is from now; else an ISO instant. */
export function parseMoment(s: string, now: number): string {
  if (s.startsWith('+')) return new Date(now + parseDuration(s.slice(1))).toISOString();
  const t = /^\d{4}-\d{2}-\d{2}$/.test(s) ? Date.parse(`${s}T23:59:59.999+07:00`) : Date.parse(s);
  if (Number.isNaN(t)) throw new PeriodError(`Thời điểm không hợp lệ: "${s}"`);
  return new Date(t).toISOString();
}

const LEVELS: SchoolLevel[] = ['MN', 'TH', 'THCS', 'THPT', 'GDTX'];

/** The roster: a JSON array of RosterSchool, or a CSV with school_code, school_name, level, province_code, … */
export function readRoster(path: string): RosterSchool[] {
  const text = readFileSync(path, 'utf8').normalize('NFC');
  if (extname(path).toLowerCase() === '.json') return JSON.parse(text) as RosterSchool[];
  return parseCsv(text).map((r, i) => {
    const level = r.level as SchoolLevel;
    if (!r.school_code || !r.province_code || !LEVELS.includes(level)) {
      throw new PeriodError(`${path}, dòng ${i + 2}: cần school_code, province_code và level là một trong ${LEVELS.join(', ')}`);
    }
    const place = (code?: string, name?: string) => (code ? { code, name: name || undefined } : undefined);
    return {
      code: r.school_code, name: r.school_name || r.school_code, level,
      province: place(r.province_code, r.province_name)!, district: place(r.district_code, r.district_name), commune: place(r.commune_code, r.commune_name),
    };
  });
}

async function withClient<T>(fn: (c: Client) => Promise<T>): Promise<T> {
  const client = await connectClient();
  try {
    return await fn(client);
  } finally {
    await client.connection.close();
  }
}

async function open(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args, allowPositionals: true,
    options: {
      forms: { type: 'string' }, 'data-date': { type: 'string' }, deadline: { type: 'string' }, lock: { type: 'string' },
      units: { type: 'string' }, scope: { type: 'string' }, remind: { type: 'string', default: '7d,3d,1d' }, chain: { type: 'string' }, by: { type: 'string' },
    },
  });
  const [name] = positionals;
  const missing = ['forms', 'data-date', 'deadline', 'lock', 'units'].filter((k) => !values[k as keyof typeof values]);
  if (!name || missing.length) {
    err(`thongke period open: thiếu ${[...(name ? [] : ['<tên>']), ...missing.map((m) => `--${m}`)].join(', ')}\n\n${PERIOD_USAGE}`);
    return 2;
  }
  if (!/^[A-Za-z0-9._-]+$/.test(name)) throw new PeriodError(`Tên kỳ báo cáo chỉ gồm chữ không dấu, số, dấu chấm, gạch: "${name}"`);
  const now = Date.now();
  const dataDate = values['data-date']!;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(dataDate)) throw new PeriodError(`--data-date phải có dạng YYYY-MM-DD: "${dataDate}"`);
  const chain = values.chain ? CHAINS.find((c) => c.id === values.chain) : chainFor(dataDate);
  if (!chain) throw new PeriodError(`Không có chuỗi phê duyệt "${values.chain}" (có: ${CHAINS.map((c) => c.id).join(', ')})`);
  const spec: PeriodSpec = {
    name,
    forms: values.forms!.split(',').map((f) => f.trim()).filter(Boolean),
    dataDate,
    deadline: parseMoment(values.deadline!, now),
    lockAt: parseMoment(values.lock!, now),
    remindBeforeMs: values.remind!.split(',').filter(Boolean).map(parseDuration),
    chainId: chain.id,
    reviewSteps: chain.reviewSteps,
    openedBy: values.by ?? actor(),
    openedAt: new Date(now).toISOString(),
  };
  if (spec.lockAt < spec.deadline) throw new PeriodError('Thời điểm khoá sổ (--lock) phải sau hạn nộp (--deadline)');
  const units = buildTree(readRoster(values.units!), chain, values.scope);
  const schools = units.filter((u) => u.level === 'school').length;
  if (!schools) throw new PeriodError(`Không có trường nào${values.scope ? ` của tỉnh ${values.scope}` : ''} trong ${values.units}`);
  const ids = await withClient((c) => openPeriod(c, { spec, units }));
  console.log(`Đã mở kỳ báo cáo ${name} (chuỗi: ${chain.title}): ${formatInt(schools)} trường, ${formatInt(units.length)} đơn vị, ${formatInt(ids.length)} luồng.`);
  console.log(`Hạn nộp ${formatTimeVi(Date.parse(spec.deadline))}, khoá sổ ${formatTimeVi(Date.parse(spec.lockAt))}.`);
  return 0;
}

function actor(): string {
  try {
    return process.env.THONGKE_USER ?? userInfo().username;
  } catch {
    return 'không rõ';
  }
}

function printTree(o: PeriodOverview): void {
  const s = o.spec;
  console.log(`Kỳ ${s.name}: mẫu ${s.forms.join(', ')}, số liệu ngày ${s.dataDate}, hạn ${formatTimeVi(Date.parse(s.deadline))}${o.deadlinePassed ? ' (đã qua)' : ''}, khoá sổ ${formatTimeVi(Date.parse(s.lockAt))}${o.closed ? ' (đã khoá)' : ''}`);
  const counts = new Map<string, number>();
  for (const u of o.units) counts.set(`${u.level}|${u.status}`, (counts.get(`${u.level}|${u.status}`) ?? 0) + 1);
  for (const level of ['nation', 'province', 'district', 'commune', 'school'] as const) {
    const parts = Object.entries(STATUS_VI).map(([st, vi]) => [vi, counts.get(`${level}|${st}`) ?? 0] as const).filter(([, n]) => n);
    if (parts.length) console.log(`  ${LEVEL_VI[level]}: ${parts.map(([vi, n]) => `${formatInt(n)} ${vi}`).join(', ')}`);
  }
  const children = new Map<string | null, UnitView[]>();
  for (const u of o.units) children.set(u.parentId, [...(children.get(u.parentId) ?? []), u]);
  const steps = (u: UnitView) => (u.status === 'reviewed' ? ` (${u.stepsDone} bước)` : '');
  const walk = (parent: string | null, depth: number) => {
    for (const u of (children.get(parent) ?? []).sort((a, b) => a.id.localeCompare(b.id))) {
      const flags = [u.late ? 'muộn' : '', u.unlockedAfterLock ? 'mở khoá sau khoá sổ' : '', u.status === 'returned' && u.reason ? `lý do: ${u.reason}` : ''].filter(Boolean);
      console.log(`${'  '.repeat(depth)}${u.name} [${u.id}]: ${STATUS_VI[u.status]}${steps(u)}${flags.length ? ` — ${flags.join('; ')}` : ''}`);
      walk(u.id, depth + 1);
    }
  };
  walk(null, 0);
}

async function status(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { json: { type: 'boolean' } } });
  if (positionals.length !== 1) {
    err(`thongke period status: cần tên kỳ báo cáo\n\n${PERIOD_USAGE}`);
    return 2;
  }
  const o = await withClient((c) => periodStatus(c, positionals[0]!));
  if (values.json) console.log(JSON.stringify(o));
  else printTree(o);
  return 0;
}

const DONE_VI: Record<ActionKind, string> = { submit: 'Đã nộp', approve: 'Đã duyệt', return: 'Đã trả lại', unlock: 'Đã mở khoá' };

async function act(kind: ActionKind, args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { reason: { type: 'string' }, step: { type: 'string' }, by: { type: 'string' }, json: { type: 'boolean' } } });
  if (positionals.length !== 2) {
    err(`thongke period ${kind}: cần tên kỳ báo cáo và đơn vị\n\n${PERIOD_USAGE}`);
    return 2;
  }
  const [period, unit] = positionals as [string, string];
  const input = { unitId: resolveUnitId(unit), actor: values.by ?? actor(), reason: values.reason?.normalize('NFC'), step: values.step };
  const r = await withClient((c) => actOn(c, period, kind, input));
  if (values.json) console.log(JSON.stringify(r));
  else {
    console.log(`${DONE_VI[kind]} ${r.unitId}: ${STATUS_VI[r.from]} → ${STATUS_VI[r.to]}${r.late && kind === 'submit' ? ' (nộp muộn)' : ''}`);
    for (const u of r.reopened) console.log(`  mở lại ${u} (đơn vị cấp trên đã nộp trước đó)`);
  }
  return 0;
}

export async function periodCommand(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  try {
    switch (sub) {
      case 'open': return await open(rest);
      case 'status': return await status(rest);
      case 'submit': case 'approve': case 'return': case 'unlock': return await act(sub, rest);
      default:
        err(sub ? `thongke period: không có lệnh "${sub}"\n\n${PERIOD_USAGE}` : PERIOD_USAGE);
        return 2;
    }
  } catch (e) {
    if (e instanceof PeriodError) {
      err(e.message);
      return 1;
    }
    throw e;
  }
}
