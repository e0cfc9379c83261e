-- Staff as listed in the schools' csdl staff exports (form can_bo), one row per accepted row of a
-- current file. Names, birth dates and e-mail stay here; marts count.
with source as (
    select raw_rows.*
    from raw.can_bo as raw_rows
    inner join staging.stg_current_files as files
        on files.file_sha256 = raw_rows.file_sha256
),

groups as (
    select
        code as staff_group_code,
        name as staff_group_name
    from ref.codelist_entries
    where codelist = 'DM_NHOM_CAN_BO'
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
        source.staff_code,
        -- codes
        source.gender as gender_code,
        source.ethnicity as ethnicity_code,
        source.staff_group as staff_group_code,
        groups.staff_group_name,
        source.contract as contract_code,
        source.qualification as qualification_code,
        source.standard as standard_code,
        source.staff_status as staff_status_code,
        -- flags
        source.gender = '02' as is_female,
        source.ethnicity <> '01' as is_ethnic_minority,
        -- giáo viên: the groups named "Giáo viên…" (DM_NHOM_CAN_BO 03, 06, 10)
        coalesce(groups.staff_group_name like 'Giáo viên%', false) as is_teacher,
        source.staff_group = '01' as is_manager,
        -- working: "Đang làm việc" and "Chuyển đến" (DM_TRANG_THAI_CAN_BO 01, 07)
        coalesce(source.staff_status, '01') in ('01', '07') as is_working
    from source
    left join groups
        on groups.staff_group_code = source.staff_group
)

select * from renamed
