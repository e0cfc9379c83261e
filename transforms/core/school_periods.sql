-- The periods each school reported in, with the code it used then (before 1/7/2025 the old code),
-- and the forms it sent.
select
    reported.period,
    school_codes.school_id,
    reported.school_code,
    list(distinct reported.form order by reported.form) as forms
from staging.stg_reported_school_codes as reported
inner join core.school_codes as school_codes
    on school_codes.code = reported.school_code
group by all
