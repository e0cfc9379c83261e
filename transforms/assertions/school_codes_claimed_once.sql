-- severity: warning
-- models: staging.stg_csdl__truong
-- description: Một mã trường được hai trường trong danh sách trường cùng dùng (mã hiện tại hoặc mã trước 01/7/2025): học sinh của mã đó chỉ được tính cho một trường (core.school_codes), cần sửa danh sách trường
--
-- The codes that core.school_codes had to give to one of several schools: each row names the code
-- and every school of the newest registry that claims it, as its own code or as its previous code.
with registry as (
    select *
    from staging.stg_csdl__truong
    qualify row_number() over (partition by school_code order by period desc, file_sha256, source_row) = 1
),

claims as (
    select school_code as code, school_code as school_id from registry
    union
    select previous_code, school_code from registry where previous_code is not null
)

select
    code,
    count(*) as schools,
    string_agg(school_id, ', ' order by school_id) as school_ids
from claims
group by code
having count(*) > 1
