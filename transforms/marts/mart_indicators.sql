-- The indicators (forms/indicators.json, loaded as ref.indicators): value = scale × numerator ÷
-- denominator, each a measure of marts.mart_unit_measures summed over the unit, per period, unit
-- (both geographies) and level ('*' = all levels), over every ownership and area. A unit without
-- the denominator has no row. Targets (QĐ 4725/2022 computer ratios, the 1-day handover rule)
-- where the definition gives them, with whether the unit meets them.
with measures as (
    select *
    from marts.mart_unit_measures
    where ownership_group = '*'
        and area_code = '*'
),

computed as (
    select
        measures.period,
        measures.geography,
        measures.unit_level,
        measures.province_code,
        measures.province_name,
        measures.unit_code,
        measures.unit_name,
        measures.level_code,
        indicators.code as indicator_code,
        indicators.name as indicator_name,
        indicators.unit as indicator_unit,
        coalesce(numerators.value, 0) as numerator,
        measures.value as denominator,
        round(indicators.scale * coalesce(numerators.value, 0) / measures.value, 2) as value
    from ref.indicators as indicators
    inner join measures
        on measures.measure = indicators.denominator
    left join measures as numerators
        on numerators.measure = indicators.numerator
        and numerators.period = measures.period
        and numerators.geography = measures.geography
        and numerators.unit_level = measures.unit_level
        and numerators.unit_code is not distinct from measures.unit_code
        and numerators.level_code = measures.level_code
    where measures.value > 0
)

select
    computed.*,
    targets.target,
    case
        when targets.direction = 'max' then computed.value <= targets.target
        when targets.direction = 'min' then computed.value >= targets.target
    end as meets_target
from computed
left join ref.indicator_targets as targets
    on targets.code = computed.indicator_code
    and targets.level_code = computed.level_code
order by all
