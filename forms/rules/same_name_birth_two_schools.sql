-- code: same_name_birth_two_schools
-- title: Cùng họ tên và ngày sinh ở hai trường
-- severity: warning
-- scope: warehouse
-- forms: hs_danh_sach
-- regulation: TT 42/2021/TT-BGDĐT (CSDL ngành): mỗi học sinh có một hồ sơ
-- message: học sinh "{value}" sinh ngày {birth_date} cũng có trong danh sách năm học {period} của trường {other_schools} ({other_places}), và một bên thiếu số định danh để phân biệt — có thể là cùng một học sinh.
-- Only where a personal id is missing on one side: two ids that differ are two people, two equal
-- ids are pupil_in_two_schools.
with pupils as (
    select r.file_sha256, r.sheet, r.row_number::integer as row_number, r.full_name, lower(trim(r.full_name)) as name_key,
        r.birth_date, r.personal_id, f.period, f.school_code, f.file_name
    from raw.hs_danh_sach r
    join ops.files f using (file_sha256)
    where f.is_current and f.status = 'loaded' and r.full_name is not null and r.birth_date is not null
)
select
    a.file_sha256, a.sheet, a.row_number, 'full_name' as column_key, a.full_name as value, a.period,
    strftime(try_cast(a.birth_date as date), '%d/%m/%Y') as birth_date,
    string_agg(distinct b.school_code, ', ' order by b.school_code) as other_schools,
    string_agg(b.file_name || ', trang "' || b.sheet || '", dòng ' || b.row_number, '; ' order by b.file_name, b.row_number) as other_places
from pupils a
join pupils b on b.name_key = a.name_key and b.birth_date = a.birth_date and b.period = a.period
    and b.school_code <> a.school_code and (a.personal_id is null or b.personal_id is null)
group by all
