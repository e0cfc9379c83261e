-- severity: warning
-- models: core.school_codes
-- description: Một mã trường được nhiều trường trong danh sách trường cùng dùng (mã hiện tại hoặc mã trước 01/7/2025): học sinh của mã đó chỉ được tính cho một trường (core.school_codes), cần sửa danh sách trường
select
    code,
    school_id as counted_for,
    claimants as schools,
    claimed_by as school_ids
from core.school_codes
where claimants > 1
