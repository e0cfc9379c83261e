-- code: pupils_list_vs_return
-- title: Số học sinh trong danh sách khác báo cáo thống kê
-- severity: warning
-- scope: warehouse
-- forms: mn_dau_nam, th_dau_nam, thcs_dau_nam, thpt_dau_nam, hs_danh_sach
-- regulation: TT 24/2018/TT-BGDĐT, TT 25/2024/TT-BGDĐT (báo cáo thống kê đầu năm) đối chiếu danh sách học sinh (TT 42/2021/TT-BGDĐT)
-- message: báo cáo đầu năm {period} của trường {school_code} ghi {value} học sinh {grade_name}, danh sách học sinh của trường cùng năm học có {listed} học sinh khối này (chênh {diff}).
-- The start-of-year return counts every enrolment; the pupil list of the same school and school
-- year has one row per enrolment. ref.grid_grade_rows (from forms/grids) names the row of each grade.
with returns as (
    select file_sha256, sheet, row_number, form, version, period, unit_code, row_code, column_key, value from raw.mn_dau_nam
    union all select file_sha256, sheet, row_number, form, version, period, unit_code, row_code, column_key, value from raw.th_dau_nam
    union all select file_sha256, sheet, row_number, form, version, period, unit_code, row_code, column_key, value from raw.thcs_dau_nam
    union all select file_sha256, sheet, row_number, form, version, period, unit_code, row_code, column_key, value from raw.thpt_dau_nam
),
reported as (
    select r.file_sha256, r.sheet, r.row_number::integer as row_number, r.column_key, f.school_code, f.period, g.grade,
        try_cast(r.value as double) as reported
    from returns r
    join ops.files f using (file_sha256)
    join ref.grid_grade_rows g on g.form = r.form and g.version = r.version and g.row_code = r.row_code and g.column_key = r.column_key
    where f.is_current and f.status = 'loaded'
),
listed as (
    select f.school_code, f.period, p.grade, count(*) as listed
    from raw.hs_danh_sach p
    join ops.files f using (file_sha256)
    where f.is_current and f.status = 'loaded'
    group by all
),
schools_listed as (
    select distinct school_code, period from listed
)
select
    r.file_sha256, r.sheet, r.row_number, r.column_key, r.reported::bigint as value, r.period, r.school_code,
    coalesce(k.name, 'khối ' || r.grade) as grade_name, coalesce(l.listed, 0) as listed,
    abs(coalesce(l.listed, 0) - coalesce(r.reported, 0))::bigint as diff
from reported r
join schools_listed s on s.school_code = r.school_code and s.period = r.period
left join listed l on l.school_code = r.school_code and l.period = r.period and l.grade = r.grade
left join ref.codelist_entries k on k.codelist = 'DM_KHOI' and k.code = r.grade
where coalesce(l.listed, 0) <> coalesce(r.reported, 0)
