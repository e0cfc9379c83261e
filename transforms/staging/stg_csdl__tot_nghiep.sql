-- Graduation lists (form tot_nghiep: pupils considered for the THCS / THPT diploma), one row per
-- accepted row of a current file.
with source as (
    select raw_rows.*
    from raw.tot_nghiep as raw_rows
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
        source.class_code,
        -- flags
        source.gender = '02' as is_female,
        source.ethnicity <> '01' as is_ethnic_minority,
        source.graduated = '1' as is_graduated
    from source
)

select * from renamed
