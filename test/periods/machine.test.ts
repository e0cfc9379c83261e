// The approval rules as a state matrix (DHIS2 data-approval style): a small tree, every step, and
// after each step the expected state of every unit; an illegal step is refused with its message
// and changes nothing.
import { describe, expect, test } from 'vitest';
import { PeriodTree, type Clock } from '../../workflows/periods/machine.js';
import { buildTree, chainFor, type RosterSchool } from '../../workflows/periods/chain.js';
import { UnitStatus, type ActionKind, type PeriodSpec } from '../../workflows/periods/types.js';

const spec: PeriodSpec = {
  name: 'DN-2025',
  forms: ['hs_danh_sach'],
  dataDate: '2025-09-30',
  deadline: '2025-10-31T17:00:00.000Z', // 00:00 1/11 giờ Việt Nam
  lockAt: '2025-11-15T17:00:00.000Z',
  remindBeforeMs: [],
  chainId: 'hai-cap-2025',
  reviewSteps: chainFor('2025-09-30').reviewSteps,
  openedBy: 'so19',
  openedAt: '2025-10-01T00:00:00.000Z',
};

const roster: RosterSchool[] = [
  { code: 'A', name: 'TH A', level: 'TH', province: { code: '19', name: 'Sở GDĐT Thái Nguyên' }, commune: { code: '05443', name: 'Phường Phan Đình Phùng' } },
  { code: 'B', name: 'THCS B', level: 'THCS', province: { code: '19', name: 'Sở GDĐT Thái Nguyên' }, commune: { code: '05443', name: 'Phường Phan Đình Phùng' } },
  { code: 'C', name: 'THPT C', level: 'THPT', province: { code: '19', name: 'Sở GDĐT Thái Nguyên' } },
];

const BEFORE = Date.parse('2025-10-20T03:00:00Z');
const LATE = Date.parse('2025-11-05T03:00:00Z');
const LOCKED = Date.parse('2025-11-20T03:00:00Z');
const clockAt = (now: number): Clock => ({ now, closed: now >= Date.parse(spec.lockAt) });

const short: Record<string, string> = { 'nation:BGDDT': 'Bo', 'province:19': 'So', 'commune:05443': 'Xa', 'school:A': 'A', 'school:B': 'B', 'school:C': 'C' };
const id = Object.fromEntries(Object.entries(short).map(([k, v]) => [v, k]));
const S: Record<string, string> = { open: 'O', submitted: 'S', reviewed: 'R', approved: 'A', returned: 'T' };

type Step = [kind: ActionKind, unit: string, now: number, expect: string, opts?: { reason?: string; step?: string }];
// expect: either the states after the step (unit=letter, O open, S submitted, R reviewed, A approved,
// T returned; every unit listed) or `! <start of the refusal message>`.
const steps: Step[] = [
  ['approve', 'A', BEFORE, '! TH A (A) chưa nộp (đang chưa nộp); chưa thể duyệt'],
  ['submit', 'Xa', BEFORE, '! Chưa thể nộp Phường Phan Đình Phùng (05443): còn 2 đơn vị cấp dưới chưa được duyệt: TH A (A), THCS B (B)'],
  ['submit', 'A', BEFORE, 'Bo=O So=O Xa=O A=S B=O C=O'],
  ['submit', 'A', BEFORE, '! TH A (A) đã nộp, đang chờ Phường Phan Đình Phùng (05443) duyệt'],
  ['return', 'A', BEFORE, '! Trả lại TH A (A) cần nêu lý do', { reason: '  ' }],
  ['return', 'A', BEFORE, 'Bo=O So=O Xa=O A=T B=O C=O', { reason: 'Sai sĩ số lớp 3' }],
  ['return', 'A', BEFORE, '! TH A (A) chưa nộp (đang bị trả lại); không có gì để trả lại', { reason: 'x' }],
  ['submit', 'A', BEFORE, 'Bo=O So=O Xa=O A=S B=O C=O'],
  ['approve', 'A', BEFORE, 'Bo=O So=O Xa=O A=A B=O C=O'],
  ['approve', 'A', BEFORE, '! TH A (A) đã được duyệt rồi'],
  ['submit', 'A', BEFORE, '! TH A (A) đã được duyệt; số liệu đã khoá'],
  ['submit', 'B', LATE, 'Bo=O So=O Xa=O A=A B=S C=O'],
  ['approve', 'B', LATE, 'Bo=O So=O Xa=O A=A B=A C=O'],
  ['submit', 'Xa', LATE, 'Bo=O So=O Xa=S A=A B=A C=O'],
  ['approve', 'Xa', LATE, '! Bước duyệt tiếp theo của Phường Phan Đình Phùng (05443) là "Phòng chuyên môn (GDMN/GDPT) của Sở" (chuyen-mon), không phải "thong-ke"', { step: 'thong-ke' }],
  ['approve', 'Xa', LATE, 'Bo=O So=O Xa=R A=A B=A C=O', { step: 'chuyen-mon' }],
  ['approve', 'Xa', LATE, 'Bo=O So=O Xa=A A=A B=A C=O'],
  ['submit', 'So', LATE, '! Chưa thể nộp Sở GDĐT Thái Nguyên (19): còn 1 đơn vị cấp dưới chưa được duyệt: THPT C (C)'],
  ['unlock', 'C', LATE, '! THPT C (C) không bị khoá (đang chưa nộp)'],
  ['submit', 'C', LOCKED, '! Kỳ báo cáo DN-2025 đã khoá sổ lúc 00:00 16/11/2025; THPT C (C) không nộp được nữa. Nếu cần, đề nghị Sở GDĐT Thái Nguyên (19) mở khoá.'],
  ['unlock', 'C', LOCKED, 'Bo=O So=O Xa=A A=A B=A C=O'],
  ['unlock', 'C', LOCKED, '! THPT C (C) đã được mở khoá sau khoá sổ rồi'],
  ['submit', 'C', LOCKED, 'Bo=O So=O Xa=A A=A B=A C=S'],
  ['approve', 'C', LOCKED, 'Bo=O So=O Xa=A A=A B=A C=R'],
  ['approve', 'C', LOCKED, 'Bo=O So=O Xa=A A=A B=A C=A'],
  ['submit', 'So', LOCKED, 'Bo=O So=S Xa=A A=A B=A C=A'],
  ['approve', 'So', LOCKED, 'Bo=O So=A Xa=A A=A B=A C=A'],
  ['return', 'A', LOCKED, '! Phường Phan Đình Phùng (05443) đã được duyệt (số liệu đã khoá); cần Sở GDĐT Thái Nguyên (19) mở khoá Phường Phan Đình Phùng (05443) trước khi trả lại hay mở khoá TH A (A)', { reason: 'x' }],
  ['unlock', 'Xa', LOCKED, '! Sở GDĐT Thái Nguyên (19) đã được duyệt (số liệu đã khoá); cần Bộ Giáo dục và Đào tạo (BGDDT) mở khoá Sở GDĐT Thái Nguyên (19) trước khi trả lại hay mở khoá Phường Phan Đình Phùng (05443)'],
  ['submit', 'Bo', LOCKED, 'Bo=S So=A Xa=A A=A B=A C=A'],
  ['approve', 'Bo', LOCKED, 'Bo=A So=A Xa=A A=A B=A C=A'],
  ['return', 'Bo', LOCKED, '! Bộ Giáo dục và Đào tạo (BGDDT) là cấp cao nhất, không có cấp trên để trả lại', { reason: 'x' }],
  ['unlock', 'Bo', LOCKED, 'Bo=S So=A Xa=A A=A B=A C=A'],
  ['unlock', 'So', LOCKED, 'Bo=O So=S Xa=A A=A B=A C=A'],
  ['unlock', 'Xa', LOCKED, 'Bo=O So=O Xa=S A=A B=A C=A'],
  ['return', 'A', LOCKED, 'Bo=O So=O Xa=O A=T B=A C=A', { reason: 'Thiếu lớp 5' }],
  ['submit', 'A', LOCKED, '! Kỳ báo cáo DN-2025 đã khoá sổ lúc 00:00 16/11/2025; TH A (A) không nộp được nữa. Nếu cần, đề nghị Phường Phan Đình Phùng (05443) mở khoá.'],
  ['unlock', 'A', LOCKED, 'Bo=O So=O Xa=O A=T B=A C=A'],
  ['submit', 'A', LOCKED, 'Bo=O So=O Xa=O A=S B=A C=A'],
  ['submit', 'Zz', LOCKED, '! Không có đơn vị "Zz" trong kỳ báo cáo DN-2025'],
];

function states(tree: PeriodTree): string {
  return Object.entries(short).map(([uid, s]) => `${s}=${S[tree.nodes.get(uid)!.state.status]}`).join(' ');
}

describe('approval state matrix', () => {
  const tree = new PeriodTree(spec, buildTree(roster, chainFor(spec.dataDate)));

  test.each(steps.map((s, i) => [i + 1, ...s] as const))('%i: %s %s', (_i, kind, unit, now, expected, opts) => {
    const input = { unitId: id[unit] ?? unit, actor: 'tester', ...opts };
    const before = states(tree);
    const why = tree.check(kind, input, clockAt(now));
    if (expected.startsWith('! ')) {
      expect(why).toBe(expected.slice(2));
      expect(states(tree)).toBe(before);
    } else {
      expect(why).toBeNull();
      tree.apply(kind, input, clockAt(now));
      expect(states(tree)).toBe(expected);
    }
  });

  test('late and unlock-after-lock flags, and the data locks that ingest sees', () => {
    const n = (u: string) => tree.nodes.get(id[u]!)!.state;
    expect([n('A').late, n('B').late, n('C').late, n('Xa').late]).toEqual([true, true, true, false]);
    expect([n('A').unlockedAfterLock, n('B').unlockedAfterLock, n('C').unlockedAfterLock]).toEqual([true, false, true]);
    expect(n('A').reason).toBe('Thiếu lớp 5');
    const lock = (u: string, now: number) => tree.lockStatus(id[u]!, clockAt(now));
    expect(lock('B', BEFORE)).toEqual({ locked: true, reason: 'THCS B (B) đã được duyệt trong kỳ báo cáo DN-2025; số liệu đã khoá' });
    expect(lock('A', LOCKED)).toEqual({ locked: false, reason: null }); // unlocked after the lock
  });
});

describe('transitions written to the audit', () => {
  test('a return reopens every ancestor that had submitted on top of the unit', () => {
    const units = buildTree(roster, chainFor(spec.dataDate));
    const tree = new PeriodTree(spec, units);
    const clock = clockAt(BEFORE);
    for (const [k, u] of [['submit', 'A'], ['approve', 'A'], ['submit', 'B'], ['approve', 'B'], ['submit', 'Xa']] as const) tree.apply(k, { unitId: id[u]!, actor: 'x' }, clock);
    const { result, transitions } = tree.apply('return', { unitId: 'school:A', actor: 'xa-user', reason: 'Sai' }, clock);
    expect(result).toEqual({ unitId: 'school:A', from: UnitStatus.Approved, to: UnitStatus.Returned, late: false, reopened: ['commune:05443'] });
    expect(transitions.map((t) => [t.unit.id, t.action, t.actor, t.from, t.to, t.reason])).toEqual([
      ['school:A', 'return', 'xa-user', 'approved', 'returned', 'Sai'],
      ['commune:05443', 'reopen', 'hệ thống', 'submitted', 'open', 'Đơn vị cấp dưới TH A (A) bị trả lại: Sai'],
    ]);
  });

  test('a mirrored child that is no longer approved reopens the parent', () => {
    const units = buildTree(roster, chainFor(spec.dataDate));
    const tree = new PeriodTree(spec, units.filter((u) => u.level === 'nation' || u.level === 'province'), ['province:19']);
    expect(tree.check('submit', { unitId: 'nation:BGDDT', actor: 'bo' }, clockAt(LOCKED))).toMatch(/còn 1 đơn vị cấp dưới/);
    tree.applyMirror('province:19', { ...tree.nodes.get('province:19')!.state, status: UnitStatus.Approved });
    tree.apply('submit', { unitId: 'nation:BGDDT', actor: 'bo' }, clockAt(LOCKED));
    const ts = tree.applyMirror('province:19', { ...tree.nodes.get('province:19')!.state, status: UnitStatus.Submitted });
    expect(ts.map((t) => [t.unit.id, t.from, t.to])).toEqual([['nation:BGDDT', 'submitted', 'open']]);
    expect(tree.check('approve', { unitId: 'province:19', actor: 'bo' }, clockAt(LOCKED))).toMatch(/luồng khác/);
  });
});

describe('the chain is configuration', () => {
  const school = (level: RosterSchool['level']): RosterSchool => ({ code: `s-${level}`, name: level, level, province: { code: '25' }, district: { code: '227' }, commune: { code: '08974' } });
  const path = (dataDate: string, level: RosterSchool['level']) => {
    const units = buildTree([school(level)], chainFor(dataDate));
    const byId = new Map(units.map((u) => [u.id, u]));
    const out: string[] = [];
    for (let u = byId.get(`school:s-${level}`); u; u = u.parentId ? byId.get(u.parentId) : undefined) out.push(u.id);
    return out.join(' → ');
  };

  test('before 1/7/2025: MN–THCS through the Phòng GDĐT; THPT and GDTX under the Sở', () => {
    expect(chainFor('2024-09-30').id).toBe('truoc-2025');
    expect(path('2025-06-30', 'TH')).toBe('school:s-TH → district:227 → province:25 → nation:BGDDT');
    expect(path('2024-09-30', 'THPT')).toBe('school:s-THPT → province:25 → nation:BGDDT');
  });

  test('from 1/7/2025: MN–THCS through the commune; THPT and GDTX directly under the Sở', () => {
    expect(chainFor('2025-07-01').id).toBe('hai-cap-2025');
    expect(path('2025-09-30', 'MN')).toBe('school:s-MN → commune:08974 → province:25 → nation:BGDDT');
    expect(path('2025-09-30', 'GDTX')).toBe('school:s-GDTX → province:25 → nation:BGDDT');
  });

  test('a roster with a missing level or a repeated school is refused', () => {
    expect(() => buildTree([{ ...school('TH'), commune: undefined }], chainFor('2025-09-30'))).toThrow('Trường s-TH (TH): thiếu mã xã/phường (chuỗi hai-cap-2025)');
    expect(() => buildTree([school('TH'), school('TH')], chainFor('2025-09-30'))).toThrow('Mã trường s-TH xuất hiện hai lần trong danh sách');
  });
});
