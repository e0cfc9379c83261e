// The demo's reporting period: the start-of-year round for the demo commune, opened after the
// deadline has passed, so every state shows — a late submission, an approval, a return with its
// reason, a school that has not sent anything. Re-running the demo finds it open and leaves it.
import type { Client } from '@temporalio/client';
import { buildTree, chainFor, type RosterSchool } from '../workflows/periods/chain.js';
import { actOn, openPeriod, periodStatus, periodWorkflows, PeriodError } from '../workflows/periods/client.js';
import type { PeriodSpec } from '../workflows/periods/types.js';
import type { World } from '../fixtures/demo-world.js';

const DAY = 86_400_000;

export async function demoPeriod(client: Client, world: World, now = Date.now()): Promise<string> {
  const name = `demo-DN-${world.schoolYear}`;
  const open = await periodWorkflows(client, name).then(() => true, (e: unknown) => {
    if (e instanceof PeriodError) return false; // not opened yet
    throw e;
  });
  if (!open) {
    const dataDate = `${world.schoolYear.slice(0, 4)}-09-30`;
    const chain = chainFor(dataDate);
    const roster: RosterSchool[] = world.schools.map((s) => ({
      code: s.schoolCode,
      name: s.schoolName,
      level: /THCS/.test(s.schoolName) && !/TH&THCS/.test(s.schoolName) ? 'THCS' : 'TH',
      province: { code: world.commune.provinceCode, name: world.commune.provinceName },
      commune: { code: world.commune.communeCode, name: world.commune.communeName },
    }));
    const spec: PeriodSpec = {
      name,
      forms: ['hs_danh_sach'],
      dataDate,
      // the deadline has passed (submissions now are late); the lock is a month away
      deadline: new Date(now - DAY).toISOString(),
      lockAt: new Date(now + 30 * DAY).toISOString(),
      remindBeforeMs: [],
      chainId: chain.id,
      reviewSteps: chain.reviewSteps,
      openedBy: 'thongke demo',
      openedAt: new Date(now).toISOString(),
    };
    await openPeriod(client, { spec, units: buildTree(roster, chain) });
    const [a, b, c] = world.schools;
    const act = (kind: 'submit' | 'approve' | 'return', code: string, reason?: string) =>
      actOn(client, name, kind, { unitId: `school:${code}`, actor: 'thongke demo', reason });
    await act('submit', a!.schoolCode);
    await act('approve', a!.schoolCode);
    await act('submit', b!.schoolCode);
    await act('submit', c!.schoolCode);
    await act('return', c!.schoolCode, 'Số học sinh khối 6 trong danh sách lệch với biểu tổng hợp; đề nghị kiểm tra và gửi lại');
  }
  const o = await periodStatus(client, name);
  const schools = o.units.filter((u) => u.level === 'school');
  const count = (st: string) => schools.filter((u) => u.status === st).length;
  return `Kỳ báo cáo ${name}: ${count('approved')} trường đã duyệt, ${count('submitted')} đã nộp chờ duyệt, ${count('returned')} bị trả lại, ${count('open')} chưa nộp; ${schools.filter((u) => u.late).length} nộp muộn (thongke period status ${name}).`;
}
