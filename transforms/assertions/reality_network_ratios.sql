-- severity: warning
-- models: marts.mart_network_report
-- description: Tỉnh có số học sinh/lớp, học sinh/giáo viên hoặc tỉ lệ học sinh nữ nằm ngoài khoảng thực tế của GSO (63 tỉnh, 2002-03 … 2016-17)
--
-- Reality check: the ranges are the lowest and highest province ratio that GSO published for each
-- level in 2002-03 … 2016-17 (ref.gso_general_education_by_province, reference/gso/), derived here,
-- not written down. The GSO figures are per province, so only province rows of the network report
-- are compared (a commune of two schools may well sit outside a provincial range), on the rows of
-- all ownerships and areas together (ownership_group = area_code = '*'), as GSO publishes them.
-- Levels: csdl DM_CAP_HOC 02/03/04 = GSO primary / lower / upper secondary.
with gso as (
    select
        province_code_pre2025 as province_code,
        school_year,
        level,
        sum(value) filter (where metric = 'pupils') as pupils,
        sum(value) filter (where metric = 'classes') as classes,
        sum(value) filter (where metric = 'teachers_direct_teaching') as teachers,
        sum(value) filter (where metric = 'pupils_female') as pupils_female
    from ref.gso_general_education_by_province
    where area_kind = 'province'
        and level in ('primary', 'lower_secondary', 'upper_secondary')
    group by all
),

gso_ratios as (
    select
        level,
        'pupils_per_class' as ratio,
        pupils / classes as value
    from gso
    where classes > 0
    union all
    select
        level,
        'pupils_per_teacher' as ratio,
        pupils / teachers as value
    from gso
    where teachers > 0
    union all
    select
        level,
        'female_share' as ratio,
        pupils_female / pupils as value
    from gso
    where pupils > 0 and pupils_female is not null
),

ranges as (
    select
        level,
        ratio,
        min(value) as lowest,
        max(value) as highest
    from gso_ratios
    group by all
),

levels as (
    select *
    from (values ('02', 'primary'), ('03', 'lower_secondary'), ('04', 'upper_secondary')) as l (level_code, level)
),

units as (
    select
        period,
        geography,
        unit_code,
        unit_name,
        level_code,
        count_pupils as pupils,
        count_classes as classes,
        count_teachers as teachers,
        count_pupils_female as pupils_female
    from marts.mart_network_report
    where unit_level = 'province'
        and ownership_group = '*'
        and area_code = '*'
),

unit_ratios as (
    select
        *,
        'pupils_per_class' as ratio,
        pupils / nullif(classes, 0) as value
    from units
    union all
    select
        *,
        'pupils_per_teacher' as ratio,
        pupils / nullif(teachers, 0) as value
    from units
    union all
    select
        *,
        'female_share' as ratio,
        pupils_female / nullif(pupils, 0) as value
    from units
)

select
    unit_ratios.period,
    unit_ratios.geography,
    unit_ratios.unit_code,
    unit_ratios.unit_name,
    unit_ratios.level_code,
    unit_ratios.ratio,
    round(unit_ratios.value, 3) as value,
    round(ranges.lowest, 3) as gso_lowest,
    round(ranges.highest, 3) as gso_highest
from unit_ratios
inner join levels
    on levels.level_code = unit_ratios.level_code
inner join ranges
    on ranges.level = levels.level
    and ranges.ratio = unit_ratios.ratio
where unit_ratios.value < ranges.lowest
    or unit_ratios.value > ranges.highest
order by unit_ratios.period, unit_ratios.geography, unit_ratios.unit_code, unit_ratios.level_code, unit_ratios.ratio
