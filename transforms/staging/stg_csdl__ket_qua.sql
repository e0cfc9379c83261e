-- End-of-year class lists with results (form lop_ket_qua: TT 22/2021, TT 58/2011 and primary
-- variants), one row per accepted row of a current file.
with source as (
    select raw_rows.*
    from raw.lop_ket_qua as raw_rows
    inner join staging.stg_current_files as files
        on files.file_sha256 = raw_rows.file_sha256
),

renamed as (
    select
        -- lineage
        source.file_sha256,
        source.sheet,
        source.row_number::integer as source_row,
        -- ids
        source.school_year as period,
        source.school_code,
        source.pupil_code,
        source.class_name as class_code,
        -- codes
        source.grade as grade_code,
        source.status as status_code,
        source.learning as learning_code,
        source.conduct as conduct_code,
        -- numbers
        source.days_absent::integer as days_absent,
        -- flags
        source.gender = '02' as is_female,
        source.ethnicity <> '01' as is_ethnic_minority,
        source.promoted = '1' as is_promoted,
        source.promoted = '0' as is_not_promoted
    from source
)

select * from renamed
