-- Pupils enrolled per school and grade, per period: the first mart of the network report.
-- Counts only; no names, birth dates or personal ids (published output, rule 6).
with pupils as (
    select
        staged.*,
        school_codes.school_id
    from staging.stg_csdl__hoc_sinh as staged
    left join core.school_codes as school_codes
        on school_codes.code = staged.school_code
),

schools as (
    -- one name per school and period: the first row's, by file then row (each file's first row,
    -- then the first file; two small aggregations rather than one over a 73-character sort key)
    select
        period,
        school_code,
        arg_min(school_name, file_sha256) as school_name
    from (
        select
            period,
            school_code,
            file_sha256,
            arg_min(school_name, source_row) as school_name
        from staging.stg_csdl__hoc_sinh
        group by all
    ) as files
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
