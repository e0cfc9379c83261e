-- Every measure of core.school_measures summed to administrative units on both geographies
-- (core.school_units: new provinces and communes, old provinces and districts), per period, level,
-- ownership (công lập / ngoài công lập) and area. level_code, ownership_group and area_code '*' =
-- all together.
with placed as (
    select
        measures.period,
        measures.level_code,
        measures.measure,
        measures.value,
        case when schools.is_public then 'cong_lap' when not schools.is_public then 'ngoai_cong_lap' end as ownership_group,
        schools.area_code,
        units.geography,
        units.unit_level,
        units.province_code,
        units.province_name,
        units.unit_code,
        units.unit_name
    from core.school_measures as measures
    inner join core.school_units as units
        on units.school_id = measures.school_id
    left join core.schools as schools
        on schools.school_id = measures.school_id
)

select
    period,
    geography,
    unit_level,
    province_code,
    any_value(province_name) as province_name,
    unit_code,
    any_value(unit_name) as unit_name,
    case when grouping(level_code) = 1 then '*' else level_code end as level_code,
    case when grouping(ownership_group) = 1 then '*' else ownership_group end as ownership_group,
    case when grouping(area_code) = 1 then '*' else area_code end as area_code,
    measure,
    sum(value)::bigint as value
from placed
group by grouping sets (
    (period, geography, unit_level, province_code, unit_code, level_code, ownership_group, area_code, measure),
    (period, geography, unit_level, province_code, unit_code, level_code, measure),
    (period, geography, unit_level, province_code, unit_code, measure)
)
