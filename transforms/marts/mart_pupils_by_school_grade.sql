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

by_class as (
    -- per class first: a count of distinct classes over 24 M rows costs twice the plain counts
    select
        period,
        school_code,
        school_id,
        level_code,
        grade_code,
        grade_name,
        class_code,
        count(*) filter (where is_enrolled) as pupils,
        count(*) filter (where is_enrolled and is_female) as pupils_female,
        count(*) filter (where is_enrolled and is_ethnic_minority) as pupils_ethnic_minority,
        count(*) filter (where is_enrolled and has_disability) as pupils_disability,
        count(*) filter (where is_dropout) as dropouts,
        count(*) filter (where is_transferred_out) as transferred_out
    from pupils
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
        sum(pupils)::bigint as count_pupils,
        sum(pupils_female)::bigint as count_pupils_female,
        sum(pupils_ethnic_minority)::bigint as count_pupils_ethnic_minority,
        sum(pupils_disability)::bigint as count_pupils_disability,
        sum(dropouts)::bigint as count_dropouts,
        sum(transferred_out)::bigint as count_transferred_out,
        -- classes with an enrolled pupil of the grade (a pupil without a class code is in none)
        count(class_code) filter (where pupils > 0) as count_classes
    from by_class
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
