-- Every measure of core.school_measures summed to administrative units on both geographies:
--   geography 'new': provinces and communes since 1/7/2025 (34 provinces, two tiers);
--   geography 'old': provinces and districts before (63 provinces, three tiers).
-- Every period is placed on both, through each school's own units (core.schools): a series on
-- the new geography runs back before 2025 and stays comparable across 1 July 2025, and one on the
-- old geography runs on after it. A school in no registry has no unit (unit_code null).
-- level_code '*' = all levels together.
with placed as (
    select
        measures.period,
        measures.level_code,
        measures.measure,
        measures.value,
        case when schools.is_public then 'cong_lap' when schools.is_public = false then 'ngoai_cong_lap' end as ownership_group,
        schools.area_code,
        schools.province_code,
        schools.province_name,
        schools.commune_code,
        schools.commune_name,
        schools.old_province_code,
        schools.old_province_name,
        schools.old_district_code,
        schools.old_district_name
    from core.school_measures as measures
    left join core.schools as schools
        on schools.school_id = measures.school_id
),

on_geographies as (
    select
        'new' as geography, 'province' as unit_level, province_code as unit_province_code, province_name as unit_province_name,
        province_code as unit_code, province_name as unit_name, *
    from placed
    union all
    select 'new', 'commune', province_code, province_name, commune_code, commune_name, * from placed
    union all
    select 'old', 'province', old_province_code, old_province_name, old_province_code, old_province_name, * from placed
    union all
    select 'old', 'district', old_province_code, old_province_name, old_district_code, old_district_name, * from placed
)

select
    period,
    geography,
    unit_level,
    unit_province_code as province_code,
    any_value(unit_province_name) as province_name,
    unit_code,
    any_value(unit_name) as unit_name,
    case when grouping(level_code) = 1 then '*' else level_code end as level_code,
    case when grouping(ownership_group) = 1 then '*' else ownership_group end as ownership_group,
    case when grouping(area_code) = 1 then '*' else area_code end as area_code,
    measure,
    sum(value)::bigint as value
from on_geographies
group by grouping sets (
    (period, geography, unit_level, unit_province_code, unit_code, level_code, ownership_group, area_code, measure),
    (period, geography, unit_level, unit_province_code, unit_code, level_code, measure),
    (period, geography, unit_level, unit_province_code, unit_code, measure)
)
