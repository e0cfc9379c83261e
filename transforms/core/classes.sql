-- Classes per period and school: the class codes with enrolled pupils in the pupil list.
select
    period,
    school_id,
    class_code,
    -- a class takes the grade most of its pupils are in (mixed-grade classes exist in small schools)
    mode(grade_code) as grade_code,
    mode(level_code) as level_code,
    count(*) as count_pupils,
    count(*) filter (where is_female) as count_pupils_female
from core.pupils
where is_enrolled
    and class_code is not null
group by period, school_id, class_code
