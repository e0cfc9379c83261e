// A whole generated set through Temporal and DuckDB: loose workbooks, commune zip bundles, an old
// .xls, statistical returns, every kind of dirt. Every file (and every bundle member) is in
// ops.files with the counts of the answer key; every rejected cell is in ops.rejects.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import { dist } from '../helpers/dist.js';
import { startIngestStack, tempHome, warehouseQuery } from '../helpers/env.js';

const home = tempHome();
process.env.THONGKE_HOME = home;
let stack: Awaited<ReturnType<typeof startIngestStack>>;
let client: Client;
let set: Awaited<ReturnType<Awaited<ReturnType<typeof dist.generate>>['generate']>>;
const out = join(home, 'set');
const query = warehouseQuery(home);

beforeAll(async () => {
  stack = await startIngestStack(home);
  client = stack.client;
});

afterAll(async () => {
  await stack?.stop();
});

test('a generated set: every file and bundle member counted as the key says', async () => {
  const { generate } = await dist.generate();
  const { expandInputs } = await dist.inputs();
  set = await generate({ scale: 'tiny', seed: 5, out, dirtRate: 0.02 });
  const files = expandInputs([out]);
  const result = await (await dist.client()).runIngestBatch(client, { files });
  const { withWarehouse } = await dist.db();
  const rows = await withWarehouse(join(home, 'warehouse.duckdb'), (wh) => wh.rowsJson(
    'select file_sha256, file_name, status, rows_read, rows_accepted, rows_rejected, rows_ignored from ops.files'), { readOnly: true }) as
    { file_sha256: string; file_name: string; status: string; rows_read: number; rows_accepted: number; rows_rejected: number; rows_ignored: number }[];
  const { compareFilesWithKey } = await import('../../fixtures/key-check.js');
  expect(compareFilesWithKey(out, rows)).toEqual([]);
  // bundles are files too, whose rows are their members
  const bundles = rows.filter((r) => r.status === 'bundle');
  expect(bundles.length).toBeGreaterThan(0);
  for (const b of bundles) expect(b.rows_read).toBe(b.rows_accepted + b.rows_rejected + b.rows_ignored);
  // the batch result tells the same story as the warehouse
  expect(result.files.length).toBe(rows.length);
  // statistical returns were recognised and loaded
  const grids = await withWarehouse(join(home, 'warehouse.duckdb'), (wh) => wh.rowsJson(
    "select count(*)::integer as n from ops.files where form like '%_nam'"), { readOnly: true });
  expect(grids[0]!.n).toBe(set.grids.length);
}, 900_000);

// ---- the marts against the answer key (fixtures/key-check.ts, shared with bench/province) ----
test('the pupil mart and the network report equal the answer key: every current list, school, grade; every unit, level and year on both geographies', async () => {
  const { compareMartsWithKey } = await import('../../fixtures/key-check.js');
  const c = await compareMartsWithKey(out, query);
  expect(c.pupilsBySchoolGrade.expected).toBeGreaterThan(100);
  expect(c.pupilsBySchoolGrade.differences).toEqual([]);
  expect(c.networkReport.expected).toBeGreaterThan(100);
  expect(c.networkReport.differences).toEqual([]);
  expect(c.networkStaff.differences).toEqual([]);
});

test('every other mart equals the answer key: every measure, indicator, computer ratio, programme and vaccination row; the official forms too', async () => {
  const { compareAllMartsWithKey, compareOfficialFormsWithKey } = await import('../../fixtures/key-check.js');
  const c = await compareAllMartsWithKey(out, query);
  // the tiny set has every kind of list: results, graduation, staff, programme, vaccination
  expect(c.measures).toEqual(expect.arrayContaining(['results_promoted', 'last_grade_completed', 'graduates', 'teachers', 'computers', 'handovers_within_1_day', 'devices_still_needed', 'sites', 'schools_non_public']));
  for (const part of [c.unitMeasures, c.indicators, c.computerRatios, c.programmeDevices, c.vaccinationCoverage]) {
    expect(part.expected).toBeGreaterThan(0);
    expect(part.differences).toEqual([]);
  }
  const forms = await compareOfficialFormsWithKey(out, query);
  expect(forms.returns).toBeGreaterThan(0);
  expect(forms.differences).toEqual([]);
  // the comparison can fail: a key with one more promoted pupil in one results list differs from
  // the marts in that school's units (both geographies, its level and all levels) and in the rates built on it
  const tampered = join(home, 'tampered');
  mkdirSync(join(tampered, 'answer-key'), { recursive: true });
  for (const e of readdirSync(out)) if (e !== 'answer-key') symlinkSync(join(out, e), join(tampered, e));
  for (const e of readdirSync(join(out, 'answer-key'))) if (e !== 'files.jsonl') copyFileSync(join(out, 'answer-key', e), join(tampered, 'answer-key', e));
  const lines = readFileSync(join(out, 'answer-key', 'files.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { form: string; measures?: Record<string, Record<string, Record<string, number>>> });
  const results = lines.find((f) => f.form === 'lop_ket_qua' && f.measures)!;
  const grade = Object.values(results.measures!)[0]!;
  Object.values(grade)[0]!.results_promoted! += 1;
  writeFileSync(join(tampered, 'answer-key', 'files.jsonl'), lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
  const t = await compareAllMartsWithKey(tampered, query);
  expect(t.unitMeasures.differences.length).toBeGreaterThanOrEqual(8);
  expect(t.unitMeasures.differences.every((d) => d.includes('|results_promoted:'))).toBe(true);
  expect(t.indicators.differences.some((d) => d.includes('|TK_TY_LE_LEN_LOP:'))).toBe(true);
});

test('trends run on across 1 July 2025 on the new geography: a merged province and a divided commune', async () => {
  const { currentPupilLists, expectedNetwork, keySchools, networkReport } = await import('../../fixtures/key-check.js');
  const got = await networkReport(query);
  const schools = [...new Map([...keySchools(out).values()].map((s) => [s.school_id, s])).values()];
  const periods = ['2020-2021', '2021-2022', '2022-2023', '2023-2024', '2024-2025', '2025-2026'];
  // the merged province: the new province has a value in every year, and each equals the sum of
  // the old provinces it was made of (on the old geography), before and after the merger
  const newProvince = schools[0]!.new_province;
  const oldProvinces = [...new Set(schools.map((s) => s.old_province))];
  expect(oldProvinces.length).toBeGreaterThan(1);
  for (const p of periods) {
    const total = got.get(`${p}|new|province|${newProvince}|*`);
    expect(total?.[0], p).toBeGreaterThan(0);
    const parts = oldProvinces.map((o) => got.get(`${p}|old|province|${o}|*`)?.[0] ?? 0);
    expect(parts.reduce((a, b) => a + b, 0), p).toBe(total![0]);
  }
  // the divided commune: its schools went to different new communes; each new commune's series
  // has every year, before the division too, and the parts add up to the old commune's schools
  const byOld = new Map<string, Set<string>>();
  for (const s of schools) byOld.set(s.old_commune, (byOld.get(s.old_commune) ?? new Set()).add(s.new_commune));
  const divided = [...byOld.entries()].find(([, news]) => news.size > 1);
  expect(divided, 'the tiny world has a divided commune with schools in two new communes').toBeDefined();
  const want = expectedNetwork(out, await currentPupilLists(out, query));
  for (const newCommune of divided![1]) {
    for (const p of periods) {
      const k = `${p}|new|commune|${newCommune}|*`;
      expect(got.get(k)?.[0], k).toBeGreaterThan(0);
      expect(got.get(k), k).toEqual(want.get(k));
    }
  }
});

test('every defect the key says is reported is in ops.rejects at its file, sheet, row and column with its code; no clean row is rejected', async () => {
  const { compareWithKey } = await import('../../fixtures/key-check.js');
  const { STORED_FINDINGS_SQL } = await import('../../fixtures/key-check.js');
  const findings = await query<import('../../fixtures/key-check.js').StoredFinding>(STORED_FINDINGS_SQL);
  const c = compareWithKey(out, findings);
  expect(c.expected).toBeGreaterThan(20);
  expect(c.missing).toEqual([]);
  expect(c.unexpected).toEqual([]);
  // the rules' warnings beyond the key are the world's own cases, and few
  expect((c.other.impossible_age ?? 0) + (c.other.pupil_in_two_schools ?? 0)).toBeLessThan(c.expected);
});
