-- Computers for teaching per school (form may_tinh_truong, the Sở's list), accepted rows of
-- current files; the denominator of the QĐ 4725/2022 pupils-per-computer ratio.
with source as (
    select raw_rows.*
    from raw.may_tinh_truong as raw_rows
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
        source.computers_teaching::integer as computers_teaching,
        source.computers_internet::integer as computers_internet,
        source.computer_rooms::integer as computer_rooms
    from source
)

select * from renamed
