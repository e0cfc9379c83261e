// The province set (`thongke fixtures --scale province --seed 1`: about 2,150 files with the
// commune bundles' members, 1.1 M rows, every kind of dirt) through the real path: a Temporal dev
// server, the workers, DuckDB. Done means of issues 5 and 6 on that set: every file counted as the
// key says; every defect the key says is reported found at its file, sheet, row and column with its
// code, no clean row rejected; every mart (and the official forms) equal to the key, row for row.
// The slowest test of the suite (about 8 minutes on a quiet machine, generation included).
import { afterAll, beforeAll, expect, test } from 'vitest';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import { dist } from '../helpers/dist.js';
import { startIngestStack, tempHome, warehouseQuery } from '../helpers/env.js';
import { compareAllMartsWithKey, compareFilesWithKey, compareMartsWithKey, compareOfficialFormsWithKey, compareWithKey, STORED_FINDINGS_SQL, type StoredFile, type StoredFinding } from '../../fixtures/key-check.js';

const home = tempHome();
process.env.THONGKE_HOME = home;
const out = join(home, 'set');
let stack: Awaited<ReturnType<typeof startIngestStack>>;
let client: Client;
const query = warehouseQuery(home);

beforeAll(async () => {
  stack = await startIngestStack(home);
  client = stack.client;
  const { generate } = await dist.generate();
  await generate({ scale: 'province', seed: 1, out });
  const { expandInputs } = await dist.inputs();
  await (await dist.client()).runIngestBatch(client, { files: expandInputs([out]) });
}, 3_600_000);

afterAll(async () => {
  await stack?.stop();
});

test('every file and bundle member counted as the key says; read = accepted + rejected + ignored', async () => {
  const files = await query<StoredFile>('select file_sha256, file_name, status, rows_read, rows_accepted, rows_rejected, rows_ignored from ops.files');
  expect(files.length).toBeGreaterThan(2000);
  expect(compareFilesWithKey(out, files)).toEqual([]);
  for (const f of files) expect(Number(f.rows_read), f.file_name).toBe(Number(f.rows_accepted) + Number(f.rows_rejected) + Number(f.rows_ignored));
});

test('every defect the key says is reported is in ops.rejects at its place with its code; no clean row is rejected', async () => {
  const findings = await query<StoredFinding>(STORED_FINDINGS_SQL);
  const c = compareWithKey(out, findings);
  expect(c.expected).toBeGreaterThan(1000);
  expect(c.missing).toEqual([]);
  expect(c.unexpected).toEqual([]);
  // no pupil shares a personal id with another beyond the twins the key injected
  expect(c.other.pupil_in_two_schools ?? 0).toBe(0);
});

test('the pupil mart and the network report (pupils, staff) equal the key, row for row, on both geographies', async () => {
  const c = await compareMartsWithKey(out, query);
  expect(c.pupilsBySchoolGrade.expected).toBeGreaterThan(5000);
  expect(c.pupilsBySchoolGrade.differences).toEqual([]);
  expect(c.networkReport.expected).toBeGreaterThan(500);
  expect(c.networkReport.differences).toEqual([]);
  // the schools the comparison leaves out (their registry row is rejected) are few
  expect(c.networkReport.excludedSchools).toBeLessThan(5);
  // staff, teachers and managers of the schools' current staff lists, every unit on both geographies
  expect(c.networkStaff.expected).toBeGreaterThan(40);
  expect(c.networkStaff.differences).toEqual([]);
});

test('every other mart equals the key, row for row: every measure on both geographies, the indicators, computer ratios, programme and vaccination marts, the official forms', async () => {
  const c = await compareAllMartsWithKey(out, query);
  expect(c.measures.length).toBeGreaterThan(25);
  expect(c.unitMeasures.expected).toBeGreaterThan(20_000);
  expect(c.unitMeasures.differences).toEqual([]);
  expect(c.indicators.expected).toBeGreaterThan(5_000);
  expect(c.indicators.differences).toEqual([]);
  expect(c.computerRatios.differences).toEqual([]);
  expect(c.programmeDevices.expected).toBeGreaterThan(100);
  expect(c.programmeDevices.differences).toEqual([]);
  expect(c.vaccinationCoverage.expected).toBeGreaterThan(10);
  expect(c.vaccinationCoverage.differences).toEqual([]);
  expect(c.excludedSchools).toBeLessThan(5);
  const forms = await compareOfficialFormsWithKey(out, query);
  expect(forms.returns).toBeGreaterThan(100);
  expect(forms.nonZero).toBeGreaterThan(10_000);
  expect(forms.differences).toEqual([]);
});
