-- severity: error
-- models: marts.mart_pupils_by_school_grade, core.pupils
-- description: Tổng học sinh đang học (và học sinh nữ, dân tộc thiểu số) của bảng học sinh theo trường và khối khớp với core.pupils, từng năm học
--
-- Counts adding up, mart against core: one row per period where they differ.
with mart as (
    select
        period,
        sum(count_pupils) as pupils,
        sum(count_pupils_female) as pupils_female,
        sum(count_pupils_ethnic_minority) as pupils_ethnic_minority
    from marts.mart_pupils_by_school_grade
    group by all
),

core as (
    select
        period,
        count(*) filter (where is_enrolled) as pupils,
        count(*) filter (where is_enrolled and is_female) as pupils_female,
        count(*) filter (where is_enrolled and is_ethnic_minority) as pupils_ethnic_minority
    from core.pupils
    group by all
)

select
    coalesce(mart.period, core.period) as period,
    mart.pupils as mart_pupils,
    core.pupils as core_pupils,
    mart.pupils_female as mart_pupils_female,
    core.pupils_female as core_pupils_female,
    mart.pupils_ethnic_minority as mart_pupils_ethnic_minority,
    core.pupils_ethnic_minority as core_pupils_ethnic_minority
from mart
full outer join core
    on core.period = mart.period
where mart.pupils is distinct from core.pupils
    or mart.pupils_female is distinct from core.pupils_female
    or mart.pupils_ethnic_minority is distinct from core.pupils_ethnic_minority
