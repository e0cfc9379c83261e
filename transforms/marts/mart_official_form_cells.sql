-- The official statistical returns (forms/grids: TT 24/2018 before 2025-26, TT 25/2024 from
-- 2025-26) regenerated from the warehouse, per reporting unit: one row per (period, form, version,
-- unit, sheet, row, column) of the form's grid, value = the sum over the schools of the unit of
-- their current returns. `thongke forms export` (reports/official-forms.ts) writes them as Excel.
-- Reporting units: the province (Sở) for every period; the old district (Phòng) for periods
-- before 2025-26 (districts were abolished on 1/7/2025).
-- Only schools' returns count (a Sở's own csdl export of the same form does not: it would count
-- its schools twice), and only current files (ops.files.is_current: a later file for the same
-- form, period and school replaces the earlier one; rejected files never count).
-- A return counts where its school is (core.school_codes → core.school_units): before 2025-26 on
-- the old geography (province and district), from 2025-26 on the new one (province). A code no
-- registry knows (or whose school it places nowhere on that geography) is placed by the code itself: an old code
-- (8 digits) is province(2) + district(3) + number(3), a new one (9 digits) province(2) +
-- commune(5) + number(2), and the unit must exist in core.units; from 2025-26 an old code goes to
-- its new province through core.unit_crosswalk; before 2025-26 a new code cannot be placed in an
-- old district and is left out, as is a code of neither shape (a Sở's export).
-- Every value cell of the form is here for each unit with at least one return of the form:
-- value is null when no school filled the cell (rows the export leaves blank), count_schools
-- counts the schools whose return has a value in the cell, count_returns those with a return.
with returns as (
    select
        current_files.file_sha256,
        current_files.form,
        current_files.form_version,
        current_files.period,
        current_files.school_code,
        files.load_seq,
        cast(left(current_files.period, 4) as integer) as start_year
    from staging.stg_current_files as current_files
    inner join ops.files as files
        on files.file_sha256 = current_files.file_sha256
    where current_files.form in (select distinct form from ref.grid_layout_cells)
        and regexp_matches(current_files.period, '^\d{4}-\d{4}$')
),

registry_places as (
    select
        returns.file_sha256,
        school_codes.school_id,
        school_units.unit_level,
        school_units.unit_code,
        school_units.unit_name,
        school_units.province_code,
        school_units.province_name
    from returns
    inner join core.school_codes as school_codes
        on school_codes.code = returns.school_code
    inner join core.school_units as school_units
        on school_units.school_id = school_codes.school_id
        and school_units.geography = case when returns.start_year >= 2025 then 'new' else 'old' end
        and school_units.unit_level in ('province', 'district')
    where school_units.unit_code is not null
),

old_districts as (
    select
        district.code as district_code,
        district.name as district_name,
        province.code as province_code,
        province.name as province_name
    from core.units as district
    inner join core.units as province
        on province.unit_id = district.parent_id
    where district.level = 'district'
        and district.valid_to = date '2025-06-30'
),

new_provinces as (
    select
        code,
        name
    from core.unit_names
    where geography = 'new'
        and level = 'province'
),

code_units as (
    -- the units a code names, for the returns the registry cannot place
    select
        returns.*,
        case when regexp_matches(school_code, '^\d{8}$') then left(school_code, 2) end as old_province_code,
        case when regexp_matches(school_code, '^\d{8}$') then substr(school_code, 3, 3) end as old_district_code,
        case
            when regexp_matches(school_code, '^\d{9}$') then left(school_code, 2)
            when regexp_matches(school_code, '^\d{8}$') then crosswalk.new_code
        end as new_province_code
    from returns
    left join core.unit_crosswalk as crosswalk
        on crosswalk.level = 'province'
        and crosswalk.old_code = left(returns.school_code, 2)
    where returns.file_sha256 not in (select file_sha256 from registry_places)
),

code_old_places as (
    select
        code_units.file_sha256,
        code_units.school_code as school_id,
        old_districts.*
    from code_units
    inner join old_districts
        on old_districts.district_code = code_units.old_district_code
        and old_districts.province_code = code_units.old_province_code
    where code_units.start_year < 2025
),

code_places as (
    select file_sha256, school_id, 'province' as unit_level, province_code as unit_code, province_name as unit_name, province_code, province_name
    from code_old_places
    union all
    select file_sha256, school_id, 'district', district_code, district_name, province_code, province_name
    from code_old_places
    union all
    select code_units.file_sha256, code_units.school_code, 'province', new_provinces.code, new_provinces.name, new_provinces.code, new_provinces.name
    from code_units
    inner join new_provinces
        on new_provinces.code = code_units.new_province_code
    where code_units.start_year >= 2025
),

counted_returns as (
    -- one return per school, form, period and unit: the latest loaded when a school sent a
    -- current return under each of its codes (old and new)
    select
        returns.*,
        places.school_id,
        places.unit_level,
        places.unit_code,
        places.unit_name,
        places.province_code,
        places.province_name
    from returns
    inner join (
        select * from registry_places
        union all
        select * from code_places
    ) as places
        on places.file_sha256 = returns.file_sha256
    qualify row_number() over (
        partition by returns.period, returns.form, places.unit_level, places.unit_code, places.school_id
        order by returns.load_seq desc
    ) = 1
),

units as (
    select
        period,
        form,
        form_version,
        unit_level,
        unit_code,
        any_value(unit_name) as unit_name,
        any_value(province_code) as province_code,
        any_value(province_name) as province_name,
        count(*) as count_returns
    from counted_returns
    group by all
),

return_values as (
    select
        counted_returns.period,
        counted_returns.form,
        counted_returns.form_version,
        counted_returns.unit_level,
        counted_returns.unit_code,
        counted_returns.school_id,
        grid_returns.row_code,
        grid_returns.column_key,
        cast(grid_returns.value as decimal(38, 3)) as value
    from counted_returns
    inner join raw.grid_returns as grid_returns
        on grid_returns.file_sha256 = counted_returns.file_sha256
),

summed as (
    select
        period,
        form,
        form_version,
        unit_level,
        unit_code,
        row_code,
        column_key,
        sum(value) as value,
        count(distinct school_id) filter (where value is not null) as count_schools
    from return_values
    group by all
),

final as (
    select
        -- the return
        units.period,
        units.form,
        units.form_version,
        layout.symbol,
        -- the reporting unit
        units.unit_level,
        units.unit_code,
        units.unit_name,
        units.province_code,
        units.province_name,
        -- the cell
        layout.sheet_key as section,
        layout.sheet_order as section_order,
        layout.row_id,
        layout.row_order,
        layout.column_key,
        layout.column_order,
        -- the numbers
        cast(summed.value as double) as value,
        coalesce(summed.count_schools, 0) as count_schools,
        units.count_returns
    from units
    inner join ref.grid_layout_cells as layout
        on layout.form = units.form
        and layout.form_version = units.form_version
    left join summed
        on summed.period = units.period
        and summed.form = units.form
        and summed.form_version = units.form_version
        and summed.unit_level = units.unit_level
        and summed.unit_code = units.unit_code
        and summed.row_code = layout.row_id
        and summed.column_key = layout.column_key
)

select *
from final
order by period, form, form_version, unit_level desc, unit_code, section_order, row_order, column_order
