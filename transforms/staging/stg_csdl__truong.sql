-- The province's school registry as exported from the csdl (form csdl_truong), one row per school
-- and period of a current file. previous_code / previous_commune_code are the school's code and
-- commune before 1/7/2025 (forms/layouts/csdl_truong.json).
with source as (
    select raw_rows.*
    from raw.csdl_truong as raw_rows
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
        source.province_code,
        source.school_code,
        source.previous_code,
        source.commune_code,
        source.previous_commune_code,
        -- names
        source.school_name,
        -- codes
        source.school_group as school_group_code,
        source.ownership as ownership_code,
        source.area as area_code,
        -- numbers
        source.sites::integer as sites,
        -- flags
        coalesce(source.is_active, '1') = '1' as is_active
    from source
)

select * from renamed
