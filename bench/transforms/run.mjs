// National-scale transform benchmark: the 24M pupil rows of one school year (fixtures/national.ts,
// Parquet) loaded into raw.hs_danh_sach and raw.csdl_truong in the shape ingest leaves them (one
// current file per school in ops.files), then one full transform run (transforms/runner.ts) timed
// model by model from ops.transform_runs.
// Usage: node bench/transforms/run.mjs [WORK_DIR] [--pupils N] [--schools N] [--reuse]   (after npx tsc -p .)
// --reuse: keep WORK_DIR's loaded warehouse (from an earlier run with the same sizes) and only run
// the transform again, so that the process's peak memory is the transform's, not the load's.
import { existsSync, rmSync, mkdirSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { parseArgs } from 'node:util';
import { generateNational } from '../../dist/fixtures/national.js';
import { openWarehouse } from '../../dist/warehouse/db.js';
import { runTransforms } from '../../dist/transforms/runner.js';
import { referenceDir } from '../../dist/fixtures/world/geography.js';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { pupils: { type: 'string' }, schools: { type: 'string' }, reuse: { type: 'boolean' } } });
const work = positionals[0] ?? join(tmpdir(), 'thongke-bench-transforms');
const pupils = Number(values.pupils ?? 24_000_000);
const schools = Number(values.schools ?? 50_000);
const data = join(work, `national-${pupils}-${schools}`);
const reuse = values.reuse === true;
mkdirSync(work, { recursive: true });
const secs = (t) => ((performance.now() - t) / 1000).toFixed(1);
// peak resident memory of this process so far (DuckDB runs in it), MiB
const mib = () => Math.round(process.resourceUsage().maxRSS / 1024);

if (!reuse && !existsSync(join(data, 'schools.parquet'))) {
  const t = performance.now();
  await generateNational({ seed: 1, out: data, pupils, schools });
  console.error(`generated ${pupils} pupils in ${secs(t)} s`);
}

const db = join(work, 'warehouse.duckdb');
if (reuse && !existsSync(db)) throw new Error(`--reuse: no warehouse at ${db} (run once without --reuse)`);
if (!reuse) {
  rmSync(db, { force: true });
  rmSync(`${db}.wal`, { force: true });
}
const wh = await openWarehouse(db);
try {
  let t = performance.now();
  const q = (s) => `'${s.replace(/'/g, "''")}'`;
  const pupilFiles = q(join(data, 'pupils', '**', '*.parquet'));
  if (!reuse) await wh.transaction(async () => {
    // one current pupil list per school and one school registry per province, as ingest records them
    await wh.run(`insert into ops.files (file_sha256, file_name, form, form_version, period, school_code, status, is_current,
        rows_read, rows_accepted, rows_rejected, rows_ignored, raw_path, staging_path, load_seq)
      select sha256('hs:' || school_code), school_code || '.xlsx', 'hs_danh_sach', '1', '2025-2026', school_code, 'loaded', true, 0, 0, 0, 0, '', '', nextval('ops.load_seq')
      from read_parquet(${q(join(data, 'schools.parquet'))})
      union all
      select sha256('truong:' || province_code), 'truong_' || province_code || '.xlsx', 'csdl_truong', '1', '2025-2026', null, 'loaded', true, 0, 0, 0, 0, '', '', nextval('ops.load_seq')
      from (select distinct province_code from read_parquet(${q(join(data, 'schools.parquet'))}))`);
    // the registry as the csdl exports it for 2025-26: the 2025 commune, and the school's code and
    // commune before 1/7/2025 (an old commune that went into its new one, reference/admin/crosswalk_2025;
    // old code = old province + old district + number), so both geographies are filled as with real data
    await wh.run(`insert into raw.csdl_truong by name
      with crosswalk as (
          select
              "newWardCode" as commune_code,
              lpad(cast(cast("wardCode" as double) as integer)::varchar, 5, '0') as old_commune_code,
              lpad(cast(cast("districtCode" as double) as integer)::varchar, 3, '0') as old_district_code,
              lpad(cast(cast("provinceCode" as double) as integer)::varchar, 2, '0') as old_province_code
          from read_csv(${q(join(referenceDir, 'admin', 'crosswalk_2025', 'vietnamadminunits_convert_legacy_2025_simple.csv'))}, all_varchar = true)
          where "wardCode" is not null
      ),
      options as (
          select *, row_number() over (partition by commune_code order by old_commune_code) - 1 as k, count(*) over (partition by commune_code) as n
          from crosswalk
      ),
      schools as (
          -- the national fixture takes commune codes from the 2025-07-01 snapshot, which has Xã Ba Chẽ
          -- as 06978; the registry (and core.units) has the code of QĐ 19/2025, 06970
          select * replace (case commune_code when '06978' then '06970' else commune_code end as commune_code)
          from read_parquet(${q(join(data, 'schools.parquet'))})
      ),
      placed as (
          select
              schools.*,
              options.old_commune_code,
              options.old_province_code || options.old_district_code as old_district,
              row_number() over (partition by options.old_province_code, options.old_district_code order by schools.school_index) as number_in_district
          from schools
          left join options
              on options.commune_code = schools.commune_code
              and options.k = hash(schools.school_index, 'old') % options.n
      )
      select sha256('truong:' || province_code) as file_sha256, 'Trường' as sheet, (row_number() over (partition by province_code order by school_index) + 5)::varchar as row_number,
          '2025-2026' as school_year, province_code, (row_number() over (partition by province_code order by school_index))::varchar as stt,
          school_code, 'Trường ' || school_code as school_name, school_group,
          case when hash(school_index, 'own') % 10 = 0 then '02' else '01' end as ownership,
          null as district_code, commune_code, ['02', '03', '04'][(1 + hash(school_index, 'area') % 3)::bigint] as area,
          (1 + hash(school_index, 'sites') % 3)::varchar as sites, '1' as is_active,
          case when old_commune_code is not null and number_in_district <= 999 then old_district || lpad(number_in_district::varchar, 3, '0') end as previous_code,
          old_commune_code as previous_commune_code
      from placed`);
    // the pupil lists, one file per school, rows in the order of the list (ingest appends file by
    // file); every column the layout has: birth date (required; the age of the grade), status date
    // for pupils who left or came, personal id for most (12 digits, as the csdl writes it)
    await wh.run(`insert into raw.hs_danh_sach by name
      with pupils as (
          select
              *,
              row_number() over (partition by school_code order by pupil_code) as stt,
              case grade
                  when '16' then 2023 + hash(pupil_code, 'by') % 2
                  when '17' then 2020 + hash(pupil_code, 'by') % 3
                  else 2020 - grade::integer - case when hash(pupil_code, 'by') % 20 = 0 then 1 else 0 end
              end as birth_year
          from read_parquet(${pupilFiles}, hive_partitioning = true)
      )
      select sha256('hs:' || school_code) as file_sha256, 'Danh sách' as sheet, (stt + 8)::varchar as row_number,
          school_code, 'Trường ' || school_code as school_name, period as school_year, commune_code,
          stt::varchar as stt, grade || 'A' || (1 + hash(pupil_code) % 3)::varchar as class_code, pupil_code, full_name,
          strftime(make_date(birth_year::integer, 1, 1) + (hash(pupil_code, 'bd') % 365)::integer, '%Y-%m-%d') as birth_date,
          gender, status,
          case when status <> '01' then strftime(date '2025-09-05' + (hash(pupil_code, 'sd') % 200)::integer, '%Y-%m-%d') end as status_date,
          ethnicity, disability, grade,
          case when hash(pupil_code, 'id') % 10 <> 0 then
              '0' || province_code || ((case when birth_year >= 2000 then 2 else 0 end) + (case when gender = '02' then 1 else 0 end))::varchar
                  || lpad((birth_year % 100)::varchar, 2, '0') || lpad((hash(pupil_code, 'id6') % 1000000)::varchar, 6, '0')
          end as personal_id
      from pupils
      order by school_code, stt`);
  });
  const [n] = await wh.rowsJson('select count(*)::bigint as n from raw.hs_danh_sach');
  console.error(reuse ? `reusing ${n.n} raw pupil rows loaded earlier` : `loaded ${n.n} raw pupil rows in ${secs(t)} s (peak RSS so far ${mib()} MiB)`);

  t = performance.now();
  const cpu0 = process.cpuUsage();
  const run = await runTransforms(wh);
  const total = secs(t);
  const cpu = process.cpuUsage(cpu0);
  const models = await wh.rowsJson(`select model, status, row_count, round(epoch(finished_at) - epoch(started_at), 2) as seconds
    from ops.transform_runs where run_id = $1 order by started_at`, [run.runId]);
  const checks = await wh.rowsJson(`select assertion, status, failing_rows, round(epoch(finished_at) - epoch(started_at), 2) as seconds
    from ops.assertion_results where run_id = $1 order by started_at`, [run.runId]);
  const sum = (rows, f) => rows.filter(f).reduce((s, r) => s + Number(r.seconds), 0).toFixed(1);
  console.log(`| model | status | rows | seconds |\n|---|---|---:|---:|`);
  for (const m of models) console.log(`| ${m.model} | ${m.status} | ${m.row_count ?? ''} | ${m.seconds} |`);
  console.log(`\n| assertion | status | failing rows | seconds |\n|---|---|---:|---:|`);
  for (const a of checks) console.log(`| ${a.assertion} | ${a.status} | ${a.failing_rows ?? ''} | ${a.seconds} |`);
  console.log(`\nstaging ${sum(models, (m) => m.model.startsWith('staging.'))} s, core ${sum(models, (m) => m.model.startsWith('core.'))} s, marts ${sum(models, (m) => m.model.startsWith('marts.'))} s, assertions ${sum(checks, () => true)} s; whole run (reference data, dictionary, commit included) ${total} s for one school year (CPU time ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s over both cores); peak RSS of the process ${mib()} MiB.`);
} finally {
  wh.close();
}
