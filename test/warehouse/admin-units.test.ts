// The administrative-unit registry (core.units) and the 2025 crosswalk (core.unit_crosswalk), built
// from the real reference CSVs by a full transform run on a fresh warehouse.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openWarehouse, type Warehouse } from '../../warehouse/db.js';
import { runTransforms, type TransformRun } from '../../transforms/runner.js';

let dir: string;
let wh: Warehouse;
let run: TransformRun;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'thongke-admin-units-'));
  wh = await openWarehouse(join(dir, 'warehouse.duckdb'));
  run = await runTransforms(wh);
});

afterAll(() => {
  wh?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Rows as JSON-safe objects (dates as YYYY-MM-DD strings). */
function rows(sql: string, params: string[] = []): Promise<Record<string, unknown>[]> {
  return wh.rowsJson(sql, params);
}

async function count(sql: string, params: string[] = []): Promise<number> {
  const [row] = await wh.rows<{ n: bigint }>(`select count(*) as n from (${sql})`, params);
  return Number(row?.n);
}

/** Units valid on a day, by level. */
async function validOn(day: string): Promise<Record<string, number>> {
  const found = await wh.rows<{ level: string; n: bigint }>(
    `select level, count(*) as n
     from core.units
     where coalesce(valid_from, '-infinity'::date) <= $1::date
         and coalesce(valid_to, 'infinity'::date) >= $1::date
     group by level`,
    [day],
  );
  return Object.fromEntries(found.map((r) => [r.level, Number(r.n)]));
}

// the example questions, as a user of the warehouse would ask them
const newCommunesOf = `
    select new_code, new_name, is_divided
    from core.unit_crosswalk
    where level = 'commune' and old_code = $1
    order by new_code`;
const oldUnitsOf = `
    select old_code, old_name, level, is_divided
    from core.unit_crosswalk
    where level <> 'province' and new_code = $1
    order by old_code`;

describe('core.units', () => {
  test('the run builds both models', () => {
    const built = Object.fromEntries(run.models.map((m) => [m.model, m.rows]));
    expect(built['core.units']).toBe(63 + 696 + 10_035 + 35 + 3_331);
    expect(built['core.unit_crosswalk']).toBe(10_597 + 5 + 63);
  });

  test('before 1/7/2025: 63 provinces, 696 districts, 10,035 communes', async () => {
    expect(await validOn('2025-06-30')).toEqual({ province: 63, district: 696, commune: 10_035 });
    expect(await count(`select * from core.units where valid_to = date '2025-06-30' and valid_from is null`)).toBe(63 + 696 + 10_035);
  });

  test('from 1/7/2025: 34 provinces and 3,321 communes, also now and after the 2026 changes', async () => {
    expect(await validOn('2025-07-01')).toEqual({ province: 34, commune: 3_321 });
    expect(await validOn('2026-07-24')).toEqual({ province: 34, commune: 3_321 });
    expect(await validOn('2026-07-25')).toEqual({ province: 34, commune: 3_321 });
    const current = await wh.rows<{ level: string; n: bigint }>(`select level, count(*) as n from core.units where valid_to is null group by level order by level`);
    expect(current.map((r) => [r.level, Number(r.n)])).toEqual([
      ['commune', 3_321],
      ['province', 34],
    ]);
  });

  test('unit_id is unique and not null; codes are zero-padded; levels and types are known', async () => {
    expect(await count(`select unit_id from core.units group by unit_id having count(*) > 1`)).toBe(0);
    expect(await count(`select * from core.units where unit_id is null or code is null or name is null or unit_type is null`)).toBe(0);
    const widths = await rows(`select level, min(length(code))::integer as lo, max(length(code))::integer as hi, bool_and(regexp_full_match(code, '[0-9]+')) as digits from core.units group by level order by level`);
    expect(widths).toEqual([
      { level: 'commune', lo: 5, hi: 5, digits: true },
      { level: 'district', lo: 3, hi: 3, digits: true },
      { level: 'province', lo: 2, hi: 2, digits: true },
    ]);
    expect(await count(`select * from core.units where name <> trim(name) or name like '%  %'`)).toBe(0);
    const types = await rows(`select distinct unit_type from core.units order by unit_type`);
    expect(types.map((r) => r.unit_type)).toEqual([
      'Huyện',
      'Phường',
      'Quận',
      'Thành phố',
      'Thành phố trực thuộc trung ương',
      'Thị trấn',
      'Thị xã',
      'Tỉnh',
      'Xã',
      'Đặc khu tại hải đảo',
    ]);
  });

  test('every parent_id resolves to a unit one level up, valid on the child last day', async () => {
    expect(await count(`select * from core.units where (level = 'province') <> (parent_id is null)`)).toBe(0);
    const orphans = `
        select child.unit_id
        from core.units as child
        left join core.units as parent
            on parent.unit_id = child.parent_id
        where child.parent_id is not null
            and (
                parent.unit_id is null
                or parent.level <> case when child.level = 'commune' and child.valid_to = date '2025-06-30' then 'district' else 'province' end
                or coalesce(parent.valid_from, '-infinity'::date) > coalesce(child.valid_to, 'infinity'::date)
                or coalesce(parent.valid_to, 'infinity'::date) < coalesce(child.valid_to, 'infinity'::date)
            )`;
    expect(await count(orphans)).toBe(0);
  });

  test('the same code before and after 1/7/2025 is two units', async () => {
    const bacNinh = await rows(`select unit_id, name, valid_from::varchar as valid_from, valid_to::varchar as valid_to from core.units where level = 'province' and code = '24' order by unit_id`);
    expect(bacNinh).toEqual([
      { unit_id: 'p:24@2025-07-01', name: 'Tỉnh Bắc Ninh', valid_from: '2025-07-01', valid_to: null },
      { unit_id: 'p:24@pre2025', name: 'Tỉnh Bắc Giang', valid_from: null, valid_to: '2025-06-30' },
    ]);
    const commune = await rows(`select unit_id, name, parent_id from core.units where code = '00634' order by unit_id`);
    expect(commune).toEqual([
      { unit_id: 'c:00634@2025-07-01', name: 'Phường Tây Mỗ', parent_id: 'p:01@2025-07-01' },
      { unit_id: 'c:00634@pre2025', name: 'Phường Đại Mỗ', parent_id: 'd:019@pre2025' },
    ]);
  });

  test('Đồng Nai: a centrally-run city from 25/7/2026, a province version before', async () => {
    const dongNai = await rows(`
        select unit_id, name, unit_type, valid_from::varchar as valid_from, valid_to::varchar as valid_to
        from core.units
        where level = 'province' and code = '75'
        order by valid_from nulls first`);
    expect(dongNai).toEqual([
      { unit_id: 'p:75@pre2025', name: 'Tỉnh Đồng Nai', unit_type: 'Tỉnh', valid_from: null, valid_to: '2025-06-30' },
      { unit_id: 'p:75@2025-07-01', name: 'Tỉnh Đồng Nai', unit_type: 'Tỉnh', valid_from: '2025-07-01', valid_to: '2026-07-24' },
      { unit_id: 'p:75@2026-07-25', name: 'Thành phố Đồng Nai', unit_type: 'Thành phố trực thuộc trung ương', valid_from: '2026-07-25', valid_to: null },
    ]);
    // 10 of its xã became phường on the same day; their current version hangs under the city
    const becamePhuong = await rows(`
        select old.name as was, new.name as now, new.parent_id
        from core.units as old
        inner join core.units as new
            on new.code = old.code
            and new.valid_from = old.valid_to + 1
        where old.level = 'commune' and old.valid_to = date '2026-07-24'
        order by old.code`);
    expect(becamePhuong).toHaveLength(10);
    expect(becamePhuong[0]).toEqual({ was: 'Xã Lộc Ninh', now: 'Phường Lộc Ninh', parent_id: 'p:75@2026-07-25' });
    expect(becamePhuong.every((r) => r.parent_id === 'p:75@2026-07-25' && String(r.now).startsWith('Phường '))).toBe(true);
  });

  test('a different tone placement (Hòa / Hoà) or letter case is not a new version; a spelling fix neither', async () => {
    // 2025: Tỉnh Thanh Hóa, Xã Hòa An, Xã Bắc Sơn; 2026: Tỉnh Thanh Hoá, Xã Hoà An, xã Bắc Sơn
    const kept = await rows(`
        select unit_id, name, valid_to::varchar as valid_to
        from core.units
        where unit_id in ('p:38@2025-07-01', 'c:01654@2025-07-01', 'c:06325@2025-07-01', 'c:00745@2025-07-01')
        order by unit_id`);
    expect(kept).toEqual([
      { unit_id: 'c:00745@2025-07-01', name: 'Xã Phố Bảng', valid_to: null },
      { unit_id: 'c:01654@2025-07-01', name: 'Xã Hòa An', valid_to: null },
      { unit_id: 'c:06325@2025-07-01', name: 'Xã Bắc Sơn', valid_to: null },
      { unit_id: 'p:38@2025-07-01', name: 'Tỉnh Thanh Hóa', valid_to: null },
    ]);
    expect(await count(`select * from core.units where valid_from = date '2026-07-25'`)).toBe(11);
  });

  test('Xã Ba Chẽ has its QĐ 19/2025 code 06970, not the snapshots 06978', async () => {
    expect(await rows(`select unit_id, name from core.units where name = 'Xã Ba Chẽ'`)).toEqual([{ unit_id: 'c:06970@2025-07-01', name: 'Xã Ba Chẽ' }]);
  });
});

describe('core.unit_crosswalk', () => {
  test('every row links a unit valid on 30/6/2025 to one valid on 1/7/2025, once', async () => {
    const byLevel = await rows(`select level, count(*)::integer as n, count(distinct old_code)::integer as old_units from core.unit_crosswalk group by level order by level`);
    expect(byLevel).toEqual([
      { level: 'commune', n: 10_597, old_units: 10_035 },
      { level: 'district', n: 5, old_units: 5 },
      { level: 'province', n: 63, old_units: 63 },
    ]);
    expect(await count(`select * from core.unit_crosswalk where old_unit_id is null or new_unit_id is null or old_name is null or new_name is null`)).toBe(0);
    expect(await count(`select old_unit_id, new_unit_id from core.unit_crosswalk group by all having count(*) > 1`)).toBe(0);
    expect(await count(`select distinct new_unit_id from core.unit_crosswalk where level <> 'province'`)).toBe(3_321);
    expect(await count(`select distinct new_unit_id from core.unit_crosswalk where level = 'province'`)).toBe(34);
    const wrongEra = `
        select *
        from core.unit_crosswalk as cw
        inner join core.units as old on old.unit_id = cw.old_unit_id
        inner join core.units as new on new.unit_id = cw.new_unit_id
        where old.valid_to <> date '2025-06-30' or new.valid_from <> date '2025-07-01'`;
    expect(await count(wrongEra)).toBe(0);
  });

  test('old → new provinces (domain.md §4.2): the new code is not always the surviving name', async () => {
    const provinces = await rows(`select old_code, old_name, new_code, new_name from core.unit_crosswalk where level = 'province' and old_code in ('24', '27', '10', '15', '77', '46', '72', '80') order by old_code`);
    expect(provinces).toEqual([
      { old_code: '10', old_name: 'Tỉnh Lào Cai', new_code: '15', new_name: 'Tỉnh Lào Cai' },
      { old_code: '15', old_name: 'Tỉnh Yên Bái', new_code: '15', new_name: 'Tỉnh Lào Cai' },
      { old_code: '24', old_name: 'Tỉnh Bắc Giang', new_code: '24', new_name: 'Tỉnh Bắc Ninh' },
      { old_code: '27', old_name: 'Tỉnh Bắc Ninh', new_code: '24', new_name: 'Tỉnh Bắc Ninh' },
      { old_code: '46', old_name: 'Thành phố Huế', new_code: '46', new_name: 'Thành phố Huế' },
      { old_code: '72', old_name: 'Tỉnh Tây Ninh', new_code: '80', new_name: 'Tỉnh Tây Ninh' },
      { old_code: '77', old_name: 'Tỉnh Bà Rịa - Vũng Tàu', new_code: '79', new_name: 'Thành phố Hồ Chí Minh' },
      { old_code: '80', old_name: 'Tỉnh Long An', new_code: '80', new_name: 'Tỉnh Tây Ninh' },
    ]);
  });

  test('the commune rows agree with the province rows', async () => {
    // (by code: an open commune row hangs under its province's current version, p:75@2026-07-25)
    const disagree = `
        select *
        from core.unit_crosswalk as cw
        inner join core.units as old_unit on old_unit.unit_id = cw.old_unit_id
        left join core.units as old_district on old_district.unit_id = old_unit.parent_id
        inner join core.units as new_unit on new_unit.unit_id = cw.new_unit_id
        inner join core.units as new_province on new_province.unit_id = new_unit.parent_id
        inner join core.unit_crosswalk as province
            on province.level = 'province'
            and province.old_unit_id = case cw.level when 'commune' then old_district.parent_id else old_unit.parent_id end
        where cw.level <> 'province' and province.new_code <> new_province.code`;
    expect(await count(disagree)).toBe(0);
  });

  test('which new commune is old commune X in', async () => {
    // merged whole: Phúc Xá went into Hồng Hà (a new code); Trúc Bạch into Ba Đình (its own old code)
    expect(await rows(newCommunesOf, ['00001'])).toEqual([{ new_code: '00097', new_name: 'Phường Hồng Hà', is_divided: false }]);
    expect(await rows(newCommunesOf, ['00004'])).toEqual([{ new_code: '00004', new_name: 'Phường Ba Đình', is_divided: false }]);
    // divided: Đại Mỗ (00634) went into five new wards; new 00634 is Tây Mỗ, new Đại Mỗ is 00637
    expect(await rows(newCommunesOf, ['00634'])).toEqual([
      { new_code: '00622', new_name: 'Phường Xuân Phương', is_divided: true },
      { new_code: '00634', new_name: 'Phường Tây Mỗ', is_divided: true },
      { new_code: '00637', new_name: 'Phường Đại Mỗ', is_divided: true },
      { new_code: '09556', new_name: 'Phường Hà Đông', is_divided: true },
      { new_code: '09886', new_name: 'Phường Dương Nội', is_divided: true },
    ]);
  });

  test('which old communes make up new commune Y (one-to-many, with the divided ones flagged)', async () => {
    const baDinh = await rows(oldUnitsOf, ['00004']);
    expect(baDinh.map((r) => r.old_name)).toEqual([
      'Phường Trúc Bạch',
      'Phường Quán Thánh',
      'Phường Ngọc Hà',
      'Phường Điện Biên',
      'Phường Đội Cấn',
      'Phường Kim Mã',
      'Phường Đồng Xuân',
      'Phường Cửa Đông',
      'Phường Cửa Nam',
      'Phường Thụy Khuê',
    ]);
    expect(baDinh.filter((r) => !r.is_divided).map((r) => r.old_code)).toEqual(['00004', '00013']);
    // Ba Chẽ: a town and four communes, one of them (Hải Lạng) divided
    expect(await rows(oldUnitsOf, ['06970'])).toEqual([
      { old_code: '06886', old_name: 'Xã Hải Lạng', level: 'commune', is_divided: true },
      { old_code: '06970', old_name: 'Thị trấn Ba Chẽ', level: 'commune', is_divided: false },
      { old_code: '06973', old_name: 'Xã Thanh Sơn', level: 'commune', is_divided: false },
      { old_code: '06982', old_name: 'Xã Nam Sơn', level: 'commune', is_divided: false },
      { old_code: '06988', old_name: 'Xã Đồn Đạc', level: 'commune', is_divided: false },
    ]);
  });

  test('is_divided marks exactly the old units that appear more than once', async () => {
    expect(await count(`select * from core.unit_crosswalk where is_divided`)).toBe(1_033);
    const mismatched = `
        select old_unit_id
        from core.unit_crosswalk
        group by old_unit_id
        having bool_or(is_divided) <> (count(*) > 1) or bool_or(is_divided) <> bool_and(is_divided)`;
    expect(await count(mismatched)).toBe(0);
  });

  test('the five island districts without communes map at district level to a đặc khu', async () => {
    const islands = await rows(`
        select cw.old_unit_id, cw.old_name, cw.new_unit_id, cw.new_name, new.parent_id
        from core.unit_crosswalk as cw
        inner join core.units as new on new.unit_id = cw.new_unit_id
        where cw.level = 'district'
        order by cw.old_code`);
    expect(islands).toEqual([
      { old_unit_id: 'd:318@pre2025', old_name: 'Huyện Bạch Long Vĩ', new_unit_id: 'c:11948@2025-07-01', new_name: 'Đặc khu Bạch Long Vĩ', parent_id: 'p:31@2025-07-01' },
      { old_unit_id: 'd:471@pre2025', old_name: 'Huyện Cồn Cỏ', new_unit_id: 'c:19742@2025-07-01', new_name: 'Đặc khu Cồn Cỏ', parent_id: 'p:44@2025-07-01' },
      { old_unit_id: 'd:498@pre2025', old_name: 'Huyện Hoàng Sa', new_unit_id: 'c:20333@2025-07-01', new_name: 'Đặc khu Hoàng Sa', parent_id: 'p:48@2025-07-01' },
      { old_unit_id: 'd:536@pre2025', old_name: 'Huyện Lý Sơn', new_unit_id: 'c:21548@2025-07-01', new_name: 'Đặc khu Lý Sơn', parent_id: 'p:51@2025-07-01' },
      { old_unit_id: 'd:755@pre2025', old_name: 'Huyện Côn Đảo', new_unit_id: 'c:26732@2025-07-01', new_name: 'Đặc khu Côn Đảo', parent_id: 'p:79@2025-07-01' },
    ]);
  });
});
