-- Pupils enrolled or listed per period and school (the current pupil list of each school; a
-- superseded list no longer counts), with the school's stable id. Personal fields stay out of core:
-- the staging model keeps them for validation; core carries only what the marts count.
select
    -- ids
    pupils.period,
    school_codes.school_id,
    pupils.school_code,
    pupils.pupil_code,
    pupils.class_code,
    -- codes
    pupils.grade_code,
    pupils.grade_name,
    pupils.level_code,
    pupils.status_code,
    pupils.ethnicity_code,
    pupils.disability_code,
    -- numbers
    year(pupils.birth_date) as birth_year,
    -- flags
    pupils.is_female,
    pupils.is_ethnic_minority,
    pupils.has_disability,
    pupils.is_enrolled,
    pupils.is_dropout,
    pupils.is_transferred_out,
    -- lineage
    pupils.file_sha256,
    pupils.sheet,
    pupils.source_row
from staging.stg_csdl__hoc_sinh as pupils
inner join core.school_codes as school_codes
    on school_codes.code = pupils.school_code
