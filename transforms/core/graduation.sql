-- Graduation (THCS, THPT diplomas) per pupil considered, current lists; the level is the school's
-- main level (the lists carry no grade).
select
    graduation.period,
    school_codes.school_id,
    schools.main_level_code as level_code,
    graduation.pupil_code,
    graduation.class_code,
    graduation.is_female,
    graduation.is_ethnic_minority,
    graduation.is_graduated,
    graduation.file_sha256,
    graduation.sheet,
    graduation.source_row
from staging.stg_csdl__tot_nghiep as graduation
inner join core.school_codes as school_codes
    on school_codes.code = graduation.school_code
left join core.schools as schools
    on schools.school_id = school_codes.school_id
