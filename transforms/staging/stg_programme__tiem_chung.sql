-- Vaccination lists (form tiem_chung): one row per dose given to a pupil, accepted rows of current
-- files.
with source as (
    select raw_rows.*
    from raw.tiem_chung as raw_rows
    inner join staging.stg_current_files as files
        on files.file_sha256 = raw_rows.file_sha256
),

renamed as (
    select
        source.file_sha256,
        source.sheet,
        source.row_number::integer as source_row,
        source.school_year as period,
        source.school_code,
        source.pupil_code,
        source.class_code,
        source.vaccine as vaccine_code,
        source.dose::integer as dose,
        source.vaccinated_on::date as vaccinated_on
    from source
)

select * from renamed
