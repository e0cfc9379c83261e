// National-scale transform benchmark: the 24M pupil rows of one school year (fixtures/national.ts,
// Parquet) loaded into raw.hs_danh_sach and raw.csdl_truong in the shape ingest leaves them (one
// current file per school in ops.files), then one full transform run (transforms/runner.ts) timed
// model by model from ops.transform_runs.
// Usage: node bench/transforms/run.mjs [WORK_DIR] [--pupils N] [--schools N]   (after npx tsc -p .)
import { existsSync, rmSync, mkdirSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { parseArgs } from 'node:util';
import { generateNational } from '../../dist/fixtures/national.js';
import { openWarehouse } from '../../dist/warehouse/db.js';
import { runTransforms } from '../../dist/transforms/runner.js';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { pupils: { type: 'string' }, schools: { type: 'string' } } });
const work = positionals[0] ?? join(tmpdir(), 'thongke-bench-transforms');
const pupils = Number(values.pupils ?? 24_000_000);
const schools = Number(values.schools ?? 50_000);
const data = join(work, `national-${pupils}-${schools}`);
mkdirSync(work, { recursive: true });
const secs = (t) => ((performance.now() - t) / 1000).toFixed(1);

if (!existsSync(join(data, 'schools.parquet'))) {
  const t = performance.now();
  await generateNational({ seed: 1, out: data, pupils, schools });
  console.error(`generated ${pupils} pupils in ${secs(t)} s`);
}

const db = join(work, 'warehouse.duckdb');
rmSync(db, { force: true });
rmSync(`${db}.wal`, { force: true });
const wh = await openWarehouse(db);
try {
  let t = performance.now();
  const q = (s) => `'${s.replace(/'/g, "''")}'`;
  const pupilFiles = q(join(data, 'pupils', '**', '*.parquet'));
  await wh.transaction(async () => {
    // one current pupil list per school and one school registry per province, as ingest records them
    await wh.run(`insert into ops.files (file_sha256, file_name, form, form_version, period, school_code, status, is_current,
        rows_read, rows_accepted, rows_rejected, rows_ignored, raw_path, staging_path, load_seq)
      select sha256('hs:' || school_code), school_code || '.xlsx', 'hs_danh_sach', '1', '2025-2026', school_code, 'loaded', true, 0, 0, 0, 0, '', '', nextval('ops.load_seq')
      from read_parquet(${q(join(data, 'schools.parquet'))})
      union all
      select sha256('truong:' || province_code), 'truong_' || province_code || '.xlsx', 'csdl_truong', '1', '2025-2026', null, 'loaded', true, 0, 0, 0, 0, '', '', nextval('ops.load_seq')
      from (select distinct province_code from read_parquet(${q(join(data, 'schools.parquet'))}))`);
    await wh.run(`insert into raw.csdl_truong by name
      select sha256('truong:' || province_code) as file_sha256, 'Trường' as sheet, (row_number() over (partition by province_code order by school_index) + 5)::varchar as row_number,
          '2025-2026' as school_year, province_code, (row_number() over (partition by province_code order by school_index))::varchar as stt,
          school_code, 'Trường ' || school_code as school_name, school_group,
          case when hash(school_index, 'own') % 10 = 0 then '02' else '01' end as ownership,
          null as district_code, commune_code, ['02', '03', '04'][(1 + hash(school_index, 'area') % 3)::bigint] as area,
          (1 + hash(school_index, 'sites') % 3)::varchar as sites, '1' as is_active, null as previous_code, null as previous_commune_code
      from read_parquet(${q(join(data, 'schools.parquet'))})`);
    await wh.run(`insert into raw.hs_danh_sach by name
      select sha256('hs:' || school_code) as file_sha256, 'Danh sách' as sheet, (row_number() over () + 8)::varchar as row_number,
          school_code, 'Trường ' || school_code as school_name, period as school_year, commune_code,
          null as stt, grade || 'A' || (1 + hash(pupil_code) % 3)::varchar as class_code, pupil_code, full_name,
          null as birth_date, gender, status, null as status_date, ethnicity, disability, grade, null as personal_id
      from read_parquet(${pupilFiles}, hive_partitioning = true)`);
  });
  const [n] = await wh.rowsJson('select count(*)::bigint as n from raw.hs_danh_sach');
  console.error(`loaded ${n.n} raw pupil rows in ${secs(t)} s`);

  t = performance.now();
  const run = await runTransforms(wh);
  const total = secs(t);
  const models = await wh.rowsJson(`select model, status, row_count, round(epoch(finished_at) - epoch(started_at), 2) as seconds
    from ops.transform_runs where run_id = $1 order by started_at`, [run.runId]);
  const checks = await wh.rowsJson(`select assertion, status, failing_rows, round(epoch(finished_at) - epoch(started_at), 2) as seconds
    from ops.assertion_results where run_id = $1 order by started_at`, [run.runId]);
  const sum = (rows, f) => rows.filter(f).reduce((s, r) => s + Number(r.seconds), 0).toFixed(1);
  console.log(`| model | status | rows | seconds |\n|---|---|---:|---:|`);
  for (const m of models) console.log(`| ${m.model} | ${m.status} | ${m.row_count ?? ''} | ${m.seconds} |`);
  console.log(`\n| assertion | status | failing rows | seconds |\n|---|---|---:|---:|`);
  for (const a of checks) console.log(`| ${a.assertion} | ${a.status} | ${a.failing_rows ?? ''} | ${a.seconds} |`);
  console.log(`\nstaging ${sum(models, (m) => m.model.startsWith('staging.'))} s, core ${sum(models, (m) => m.model.startsWith('core.'))} s, marts ${sum(models, (m) => m.model.startsWith('marts.'))} s, assertions ${sum(checks, () => true)} s; whole run (reference data, dictionary, commit included) ${total} s for one school year.`);
} finally {
  wh.close();
}
