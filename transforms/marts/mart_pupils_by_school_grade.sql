-- Pupils enrolled per school and grade, per period: the first mart of the network report.
-- Counts only; no names, birth dates or personal ids (published output, rule 6).
with pupils as (
    -- core.pupils: the current lists' rows with their school's id, already stored (reading the
    -- staging view here would join the raw rows to the current files a second time)
    select *
    from core.pupils
),

schools as (
    -- one name per school and period: the name its first current list (by hash) states
    select
        period,
        school_code,
        arg_min(school_name, file_sha256) as school_name
    from staging.stg_csdl__hoc_sinh_files
    group by all
),

counted as (
    select
        period,
        school_code,
        school_id,
        level_code,
        grade_code,
        grade_name,
        -- counts
        count(*) filter (where is_enrolled) as count_pupils,
        count(*) filter (where is_enrolled and is_female) as count_pupils_female,
        count(*) filter (where is_enrolled and is_ethnic_minority) as count_pupils_ethnic_minority,
        count(*) filter (where is_enrolled and has_disability) as count_pupils_disability,
        count(*) filter (where is_dropout) as count_dropouts,
        count(*) filter (where is_transferred_out) as count_transferred_out,
        count(distinct class_code) filter (where is_enrolled) as count_classes
    from pupils
    group by all
)

select
    counted.period,
    counted.school_code,
    counted.school_id,
    schools.school_name,
    counted.level_code,
    counted.grade_code,
    counted.grade_name,
    counted.count_pupils,
    counted.count_pupils_female,
    counted.count_pupils_ethnic_minority,
    counted.count_pupils_disability,
    counted.count_dropouts,
    counted.count_transferred_out,
    counted.count_classes
from counted
inner join schools
    on schools.period = counted.period
    and schools.school_code = counted.school_code
order by counted.period, counted.school_code, counted.grade_code
