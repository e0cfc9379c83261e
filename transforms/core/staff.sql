-- Staff per period and school (current staff lists), working staff only (DM_TRANG_THAI_CAN_BO
-- "Đang làm việc", "Chuyển đến").
select
    staff.period,
    school_codes.school_id,
    staff.staff_code,
    staff.staff_group_code,
    staff.staff_group_name,
    staff.contract_code,
    staff.qualification_code,
    staff.standard_code,
    staff.is_female,
    staff.is_ethnic_minority,
    staff.is_teacher,
    staff.is_manager,
    staff.file_sha256,
    staff.sheet,
    staff.source_row
from staging.stg_csdl__can_bo as staff
inner join core.school_codes as school_codes
    on school_codes.code = staff.school_code
where staff.is_working
