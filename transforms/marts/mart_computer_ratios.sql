-- Pupils per computer for teaching against the targets of QĐ 4725/QĐ-BGDĐT (2022), per period, unit
-- (both geographies) and level ('*' = all levels, no target): the indicator QD4725.HS_MAY_TINH of
-- marts.mart_indicators (formula and targets in forms/indicators.json, their one home), in the
-- columns a planner reads.
select
    period,
    geography,
    unit_level,
    province_code,
    province_name,
    unit_code,
    coalesce(unit_name, 'Chưa rõ đơn vị') as unit_name,
    level_code,
    numerator::bigint as count_pupils,
    denominator::bigint as count_computers,
    value as pupils_per_computer,
    target as target_pupils_per_computer,
    meets_target
from marts.mart_indicators
where indicator_code = 'QD4725.HS_MAY_TINH'
order by all
