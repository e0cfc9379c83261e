-- "Sóng và máy tính cho em": one row per device handed to a pupil (form may_tinh_cho_em), accepted
-- rows of current files. A loaned device (TK_HINH_THUC_TRAO 2 "Cho mượn") stays the school's.
with source as (
    select raw_rows.*
    from raw.may_tinh_cho_em as raw_rows
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
        -- codes
        source.category as category_code,
        source.device_type as device_code,
        source.handover_mode as handover_mode_code,
        -- dates
        source.delivered_on::date as delivered_on,
        source.handed_over_on::date as handed_over_on,
        -- numbers: days from delivery to the school until the pupil had it
        date_diff('day', source.delivered_on::date, source.handed_over_on::date) as handover_days,
        -- flags
        source.handover_mode = '2' as is_loan,
        source.device_type = '04' as is_sim
    from source
)

select * from renamed
