-- Pupils as listed in the schools' csdl exports (form hs_danh_sach, forms/layouts/hs_danh_sach.json,
-- and the SMAS, vnEdu, MISA variants that load into the same raw table).
-- One row per accepted source row of a current file (a superseded file no longer counts).
-- Personal fields (name, birth date, personal id) stay in the warehouse; marts aggregate them away.
-- A view: at national scale (24 M rows a year) storing it cost 140 s of a 467 s run, and its two
-- readers (core.pupils, core.schools) each read only a few of its columns once; what is per file
-- is read per file (stg_csdl__hoc_sinh_files). bench/README.md, Transforms.
-- materialized: view
with source as (
    select raw_rows.*
    from raw.hs_danh_sach as raw_rows
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
        -- the school's commune as its title block states it (the 2025 code from 2025-26 on)
        source.commune_code,
        source.pupil_code,
        source.class_code,
        source.personal_id,
        -- names (personal: never published)
        source.school_name,
        source.full_name,
        -- dates
        source.birth_date::date as birth_date,
        source.status_date::date as status_date,
        -- codes (MOET csdl code lists, forms/codelists)
        source.gender as gender_code,
        source.ethnicity as ethnicity_code,
        source.grade as grade_code,
        grades.grade_name,
        grades.level_code,
        source.status as status_code,
        source.disability as disability_code,
        -- flags
        source.gender = '02' as is_female,
        -- DTTS: any group other than Kinh (01), domain.md §1.3
        source.ethnicity <> '01' as is_ethnic_minority,
        source.disability is not null as has_disability,
        coalesce(statuses.is_dropout, false) as is_dropout,
        coalesce(statuses.is_transferred_out, false) as is_transferred_out,
        not coalesce(statuses.is_dropout or statuses.is_transferred_out, false) as is_enrolled
    from source
    left join staging.stg_codes__khoi as grades
        on grades.grade_code = source.grade
    left join staging.stg_codes__trang_thai_hoc_sinh as statuses
        on statuses.status_code = source.status
)

select * from renamed
