-- One row per school (school_id, stable across 1/7/2025; core.school_codes), with where it is on
-- both geographies: the new one (province and commune since 1/7/2025) and the old one (province,
-- district and commune before). Registry facts (group, ownership, area, sites) from the newest
-- registry period; the units from core.units (the commune's version of 2025-07-01, and the old
-- commune's last version, 2025-06-30) so old and new codes are never joined on the code alone.
with registry as (
    select *
    from staging.stg_csdl__truong
    qualify row_number() over (partition by school_code order by period desc, file_sha256, sheet, source_row) = 1
),

school_groups as (
    select
        code as school_group_code,
        name as school_group_name,
        json_extract_string(extra, '$."Cấp"') as main_level_code,
        json_extract_string(extra, '$."DS_Cấp"') as level_codes
    from ref.codelist_entries
    where codelist = 'DM_NHOM_CAP_HOC'
),

new_communes as (
    select
        commune.code as commune_code,
        commune.name as commune_name,
        province.code as province_code,
        province.name as province_name
    from core.units as commune
    inner join core.units as province
        on province.unit_id = commune.parent_id
    where commune.level = 'commune'
        and commune.valid_from = date '2025-07-01'
),

old_communes as (
    select
        commune.code as old_commune_code,
        district.code as old_district_code,
        district.name as old_district_name,
        province.code as old_province_code,
        province.name as old_province_name
    from core.units as commune
    inner join core.units as district
        on district.unit_id = commune.parent_id
    inner join core.units as province
        on province.unit_id = district.parent_id
    where commune.level = 'commune'
        and commune.valid_to = date '2025-06-30'
),

-- a school in no registry: its name, its main level from the grades it lists, its commune as the title block of its newest list
-- states it (pupil lists carry one); its old district only when every old commune that went into
-- that commune lay in one district (core.unit_crosswalk), otherwise unknown
unregistered as (
    select
        school_code as school_id,
        arg_max(school_name, period) as school_name,
        arg_max(commune_code, period) filter (where commune_code is not null and period >= '2025-2026') as commune_code,
        -- the highest level it teaches, as the registry's "Cấp" would say
        max(level_code) as main_level_code
    from staging.stg_csdl__hoc_sinh
    where school_code in (select school_id from core.school_codes where not is_in_registry)
    group by school_code
),

single_old_district as (
    select
        crosswalk.new_code as commune_code,
        any_value(old_communes.old_district_code) as old_district_code,
        any_value(old_communes.old_district_name) as old_district_name,
        any_value(old_communes.old_province_code) as old_province_code,
        any_value(old_communes.old_province_name) as old_province_name
    from core.unit_crosswalk as crosswalk
    inner join old_communes
        on old_communes.old_commune_code = crosswalk.old_code
    where crosswalk.level = 'commune'
    group by crosswalk.new_code
    having count(distinct old_communes.old_district_code) = 1
),

registered as (
    select
        -- ids
        registry.school_code as school_id,
        registry.school_code as school_code_2025,
        registry.previous_code as school_code_old,
        -- names
        registry.school_name,
        -- codes
        registry.school_group_code,
        school_groups.school_group_name,
        school_groups.main_level_code,
        school_groups.level_codes,
        registry.ownership_code,
        registry.area_code,
        -- numbers
        registry.sites,
        -- new geography
        new_communes.province_code,
        new_communes.province_name,
        registry.commune_code,
        new_communes.commune_name,
        -- old geography
        old_communes.old_province_code,
        old_communes.old_province_name,
        old_communes.old_district_code,
        old_communes.old_district_name,
        registry.previous_commune_code as old_commune_code,
        -- flags
        registry.ownership_code = '01' as is_public,
        registry.is_active,
        true as is_in_registry
    from registry
    left join school_groups
        on school_groups.school_group_code = registry.school_group_code
    left join new_communes
        on new_communes.commune_code = registry.commune_code
    left join old_communes
        on old_communes.old_commune_code = registry.previous_commune_code
)

select * from registered
union all by name
select
    unregistered.school_id,
    unregistered.school_name,
    unregistered.main_level_code,
    new_communes.province_code,
    new_communes.province_name,
    unregistered.commune_code,
    new_communes.commune_name,
    single_old_district.old_province_code,
    single_old_district.old_province_name,
    single_old_district.old_district_code,
    single_old_district.old_district_name,
    false as is_in_registry
from unregistered
left join new_communes
    on new_communes.commune_code = unregistered.commune_code
left join single_old_district
    on single_old_district.commune_code = unregistered.commune_code
