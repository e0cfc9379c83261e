// The approval chain is configuration: which levels a school's return climbs, by the period's data
// date, and the review steps inside a level. Change the chain here (data), not in the workflow.
//   Before 1/7/2025 (TT 24/2018, CV 5499/BGDĐT-CNTT): MN–THCS → Phòng GDĐT (district) → Sở → Bộ;
//     THPT and GDTX were managed by the Sở (domain.md §2.5, §4.3).
//   From 1/7/2025 (two-tier local government, NĐ 142/2025): no Phòng; MN–THCS → commune (UBND xã,
//     Phòng Văn hóa – Xã hội) → Sở → Bộ; THPT/GDTX directly under the Sở (domain.md §4.3–4.4).
//   Inside the Sở, a specialist section (GDMN/GDPT) accepts a return before the planning–statistics
//     section does (issue 7: "optional review steps inside a level").
import type { PeriodUnit, ReviewStep, SchoolLevel, UnitLevel } from './types.js';

export interface Chain {
  id: string;
  title: string;
  /** first data date the chain applies to (inclusive), ISO date; null = always before */
  validFrom: string | null;
  /** last data date (inclusive); null = still in force */
  validTo: string | null;
  /** the levels above a school, bottom-up, by the school's top level */
  routes: Record<SchoolLevel, UnitLevel[]>;
  reviewSteps: Partial<Record<UnitLevel, ReviewStep[]>>;
}

const SO_REVIEW: ReviewStep[] = [
  { id: 'chuyen-mon', title: 'Phòng chuyên môn (GDMN/GDPT) của Sở' },
  { id: 'thong-ke', title: 'Phòng Kế hoạch – Tài chính (thống kê) của Sở' },
];

export const CHAINS: Chain[] = [
  {
    id: 'truoc-2025',
    title: 'Trường → Phòng GDĐT → Sở GDĐT → Bộ GDĐT',
    validFrom: null,
    validTo: '2025-06-30',
    routes: {
      MN: ['district', 'province', 'nation'],
      TH: ['district', 'province', 'nation'],
      THCS: ['district', 'province', 'nation'],
      THPT: ['province', 'nation'],
      GDTX: ['province', 'nation'],
    },
    reviewSteps: { province: SO_REVIEW },
  },
  {
    id: 'hai-cap-2025',
    title: 'Trường → xã/phường (MN–THCS) → Sở GDĐT → Bộ GDĐT',
    validFrom: '2025-07-01',
    validTo: null,
    routes: {
      MN: ['commune', 'province', 'nation'],
      TH: ['commune', 'province', 'nation'],
      THCS: ['commune', 'province', 'nation'],
      THPT: ['province', 'nation'],
      GDTX: ['province', 'nation'],
    },
    reviewSteps: { province: SO_REVIEW },
  },
];

export function chainFor(dataDate: string, chains: Chain[] = CHAINS): Chain {
  const c = chains.find((x) => (x.validFrom === null || dataDate >= x.validFrom) && (x.validTo === null || dataDate <= x.validTo));
  if (!c) throw new Error(`Không có chuỗi phê duyệt nào áp dụng cho ngày số liệu ${dataDate}`);
  return c;
}

/** One school of the roster a period is opened on, with the units above it at the data date. */
export interface RosterSchool {
  code: string;
  name: string;
  level: SchoolLevel;
  province: { code: string; name?: string };
  district?: { code: string; name?: string };
  commune?: { code: string; name?: string };
}

export const NATION_ID = 'nation:BGDDT';
export const unitId = (level: UnitLevel, code: string) => `${level}:${code}`;

const DEFAULT_NAMES: Record<UnitLevel, (code: string) => string> = {
  school: (c) => `Trường ${c}`,
  district: (c) => `Phòng GDĐT huyện ${c}`,
  commune: (c) => `UBND xã ${c}`,
  province: (c) => `Sở GDĐT tỉnh ${c}`,
  nation: () => 'Bộ Giáo dục và Đào tạo',
};

/**
 * The period's tree: the Bộ, then for each school the chain's levels above it. Units are listed
 * parents first. `scope` keeps the schools of one province (its 2-digit code at the data date).
 */
export function buildTree(roster: RosterSchool[], chain: Chain, scope?: string): PeriodUnit[] {
  const units = new Map<string, PeriodUnit>();
  units.set(NATION_ID, { id: NATION_ID, code: 'BGDDT', name: DEFAULT_NAMES.nation(''), level: 'nation', parentId: null });
  const schools: PeriodUnit[] = [];
  for (const s of roster) {
    if (scope && s.province.code !== scope) continue;
    const route = chain.routes[s.level];
    if (!route) throw new Error(`Trường ${s.code} (${s.name}): cấp học "${s.level}" không có trong chuỗi ${chain.id}`);
    // walk top-down so that each unit is added after its parent
    let parentId: string | null = null;
    for (const level of [...route].reverse()) {
      if (level === 'nation') {
        parentId = NATION_ID;
        continue;
      }
      const place = level === 'province' ? s.province : level === 'district' ? s.district : level === 'commune' ? s.commune : undefined;
      if (!place?.code) throw new Error(`Trường ${s.code} (${s.name}): thiếu mã ${LEVEL_VI[level]} (chuỗi ${chain.id})`);
      const id = unitId(level, place.code);
      const known = units.get(id);
      if (known && known.parentId !== parentId) throw new Error(`${LEVEL_VI[level]} ${place.code} thuộc hai đơn vị cấp trên: ${known.parentId} và ${parentId}`);
      if (!known) units.set(id, { id, code: place.code, name: place.name ?? DEFAULT_NAMES[level](place.code), level, parentId });
      parentId = id;
    }
    const id = unitId('school', s.code);
    if (units.has(id) || schools.some((x) => x.id === id)) throw new Error(`Mã trường ${s.code} xuất hiện hai lần trong danh sách`);
    schools.push({ id, code: s.code, name: s.name, level: 'school', parentId, schoolLevel: s.level });
  }
  return [...units.values(), ...schools];
}

export const LEVEL_VI: Record<UnitLevel, string> = {
  school: 'trường',
  district: 'Phòng GDĐT',
  commune: 'xã/phường',
  province: 'Sở GDĐT',
  nation: 'Bộ GDĐT',
};
