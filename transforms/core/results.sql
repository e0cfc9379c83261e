-- End-of-year results per pupil (class lists of TT 22/2021, TT 58/2011 and primary), current files.
-- Levels from the grade (DM_KHOI); is_last_grade marks the last grade of a level (5, 9, 12).
select
    results.period,
    school_codes.school_id,
    results.class_code,
    results.pupil_code,
    results.grade_code,
    grades.level_code,
    coalesce(grades.is_last_grade, false) as is_last_grade,
    results.status_code,
    results.learning_code,
    results.conduct_code,
    results.days_absent,
    results.is_female,
    results.is_ethnic_minority,
    coalesce(statuses.is_dropout, false) as is_dropout,
    coalesce(statuses.is_transferred_out, false) as is_transferred_out,
    results.is_promoted,
    results.is_not_promoted,
    results.file_sha256,
    results.sheet,
    results.source_row
from staging.stg_csdl__ket_qua as results
inner join core.school_codes as school_codes
    on school_codes.code = results.school_code
left join staging.stg_codes__khoi as grades
    on grades.grade_code = results.grade_code
left join staging.stg_codes__trang_thai_hoc_sinh as statuses
    on statuses.status_code = results.status_code
