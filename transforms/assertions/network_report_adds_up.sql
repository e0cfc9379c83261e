-- severity: error
-- models: marts.mart_network_report, core.pupils
-- description: Trên mỗi địa giới (cũ, mới), tổng học sinh và học sinh nữ của các tỉnh trong báo cáo mạng lưới khớp với core.pupils, theo năm học và cấp học
--
-- Counts adding up, mart against core: the province rows of each level over every ownership and
-- area (the '*' rows of those two; level '*' is the sum of the levels and is left out) against
-- enrolled pupils in core.pupils.
with mart as (
    select
        period,
        geography,
        level_code,
        sum(count_pupils) as pupils,
        sum(count_pupils_female) as pupils_female
    from marts.mart_network_report
    where unit_level = 'province'
        and ownership_group = '*'
        and area_code = '*'
        and level_code <> '*'
    group by all
),

core as (
    select
        period,
        level_code,
        count(*) filter (where is_enrolled) as pupils,
        count(*) filter (where is_enrolled and is_female) as pupils_female
    from core.pupils
    group by all
),

geographies as (
    select distinct geography
    from mart
),

expected as (
    select
        core.*,
        geographies.geography
    from core
    cross join geographies
)

select
    coalesce(mart.period, expected.period) as period,
    coalesce(mart.geography, expected.geography) as geography,
    coalesce(mart.level_code, expected.level_code) as level_code,
    mart.pupils as mart_pupils,
    expected.pupils as core_pupils,
    mart.pupils_female as mart_pupils_female,
    expected.pupils_female as core_pupils_female
from mart
full outer join expected
    on expected.period = mart.period
    and expected.geography = mart.geography
    and expected.level_code is not distinct from mart.level_code
where coalesce(mart.pupils, 0) <> coalesce(expected.pupils, 0)
    or coalesce(mart.pupils_female, 0) <> coalesce(expected.pupils_female, 0)
