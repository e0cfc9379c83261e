-- "Sóng và máy tính cho em": the Sở's list of needs and receipts per school and category of pupil
-- (form may_tinh_nhu_cau), accepted rows of current files.
with source as (
    select raw_rows.*
    from raw.may_tinh_nhu_cau as raw_rows
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
        source.category as category_code,
        source.pupils_needing_device::integer as pupils_needing_device,
        source.pupils_needing_sim::integer as pupils_needing_sim,
        source.devices_received::integer as devices_received,
        source.devices_handed_over::integer as devices_handed_over
    from source
)

select * from renamed
