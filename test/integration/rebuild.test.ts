// `thongke rebuild` gives the same marts as the incremental path: a generated set ingested through
// Temporal in two batches (the second resubmits a school's pupil list with a pupil fewer, which
// supersedes the first), then the warehouse rebuilt from the lake by the CLI; every mart (and the
// staging and core tables) compared row for row.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { dist } from '../helpers/dist.js';
import { startIngestStack, tempHome, thongke } from '../helpers/env.js';

const home = tempHome();
process.env.THONGKE_HOME = home;
let stack: Awaited<ReturnType<typeof startIngestStack>> | undefined;

beforeAll(async () => {
  stack = await startIngestStack(home);
});

afterAll(async () => {
  await stack?.stop();
});

type Snapshot = Record<string, string>;

async function snapshot(): Promise<Snapshot> {
  const { withWarehouse } = await dist.db();
  return withWarehouse(join(home, 'warehouse.duckdb'), async (wh) => {
    const tables = await wh.rows<{ s: string; t: string }>(
      "select table_schema as s, table_name as t from information_schema.tables where table_schema in ('staging', 'core', 'marts') and table_type = 'BASE TABLE' order by all");
    const out: Snapshot = {};
    for (const { s, t } of tables) out[`${s}.${t}`] = JSON.stringify(await wh.rowsJson(`select * from "${s}"."${t}" order by all`));
    return out;
  }, { readOnly: true });
}

test('rebuild from the lake = the incremental path, superseded files and all', async () => {
  const out = join(home, 'set');
  const set = await (await dist.generate()).generate({ scale: 'tiny', seed: 3, out, dirtRate: 0.02 });
  const { expandInputs } = await dist.inputs();
  const { runIngestBatch } = await dist.client();
  await runIngestBatch(stack!.client, { files: expandInputs([out]) });
  const { withWarehouse } = await dist.db();
  const supersededCount = async () => (await withWarehouse(join(home, 'warehouse.duckdb'), (wh) => wh.rowsJson(
    `select count(*)::integer as n from ops.files where status = 'superseded'`), { readOnly: true }))[0]!.n as number;
  // (the set supersedes some of its own files: wrong units, returns sent in two versions)
  const supersededBefore = await supersededCount();

  // a school sends its pupil list again, one pupil fewer: the newer file counts
  // (a list whose only defect is its total row, read and ignored)
  const spoilt = new Set(set.defects.filter((d) => d.outcome !== 'ignored').map((d) => d.file));
  const list = set.files.find((f) => f.form === 'hs_danh_sach' && !f.file.includes('!') && !spoilt.has(f.file) && f.rows_accepted > 2)!;
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(join(out, list.file));
  const sheet = wb.worksheets.find((ws) => ws.state === 'visible')!;
  sheet.spliceRows(sheet.actualRowCount, 1);
  mkdirSync(join(home, 'again'));
  const again = join(home, 'again', 'danh_sach_gui_lai.xlsx');
  await wb.xlsx.writeFile(again);
  const second = await runIngestBatch(stack!.client, { files: [again] });
  expect(second.files.map((f) => [f.status, f.rows_accepted])).toEqual([['loaded', list.rows_accepted - 1]]);

  const incremental = await snapshot();
  expect(Object.keys(incremental)).toContain('marts.mart_pupils_by_school_grade');
  await stack!.stop();
  stack = undefined;

  const r = await thongke(['rebuild'], { THONGKE_HOME: home });
  expect(r.stderr).toBe('');
  expect(r.stdout).toMatch(/^Đã dựng lại kho từ hồ dữ liệu: [\d.]+ tệp hiện hành/);
  const rebuilt = await snapshot();
  expect(Object.keys(rebuilt)).toEqual(Object.keys(incremental));
  const differ = Object.keys(incremental).filter((t) => incremental[t] !== rebuilt[t]);
  expect(differ).toEqual([]);

  // raw now holds the current files' rows only, and the superseded file is still on record
  const [files] = await withWarehouse(join(home, 'warehouse.duckdb'), (wh) => wh.rowsJson(
    `select (select count(*) from ops.files where status = 'superseded')::integer as superseded,
            (select sum(rows_accepted) from ops.files where is_current and form = 'hs_danh_sach')::integer as accepted,
            (select count(*) from raw.hs_danh_sach)::integer as raw_rows`), { readOnly: true });
  expect(files).toEqual({ superseded: supersededBefore + 1, accepted: files!.raw_rows, raw_rows: files!.raw_rows });
}, 600_000);
