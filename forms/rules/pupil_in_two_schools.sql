-- code: pupil_in_two_schools
-- title: Một học sinh có trong danh sách của hai trường
-- severity: warning
-- scope: warehouse
-- forms: hs_danh_sach
-- regulation: TT 42/2021/TT-BGDĐT (CSDL ngành): mỗi học sinh có một hồ sơ, theo số định danh cá nhân
-- message: số định danh cá nhân {value} cũng có trong danh sách học sinh năm học {period} của trường {other_schools} ({other_places}); một học sinh chỉ học ở một trường — hai trường cần đối chiếu (chuyển trường chưa cập nhật?).
with pupils as (
    select r.file_sha256, r.sheet, r.row_number::integer as row_number, r.personal_id, f.period, f.school_code, f.file_name
    from raw.hs_danh_sach r
    join ops.files f using (file_sha256)
    where f.is_current and f.status = 'loaded' and r.personal_id is not null
)
select
    a.file_sha256, a.sheet, a.row_number, 'personal_id' as column_key, a.personal_id as value, a.period,
    string_agg(distinct b.school_code, ', ' order by b.school_code) as other_schools,
    string_agg(b.file_name || ', trang "' || b.sheet || '", dòng ' || b.row_number, '; ' order by b.file_name, b.row_number) as other_places
from pupils a
join pupils b on b.personal_id = a.personal_id and b.period = a.period and b.school_code <> a.school_code
group by all
