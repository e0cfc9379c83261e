-- code: impossible_age
-- title: Tuổi không hợp với khối lớp
-- severity: warning
-- scope: file
-- forms: hs_danh_sach, lop_ket_qua
-- regulation: Điều lệ trường mầm non (VBHN 04/VBHN-BGDĐT), trường tiểu học (TT 28/2020/TT-BGDĐT Đ.33), trường THCS, THPT (TT 32/2020/TT-BGDĐT Đ.33)
-- message: học sinh {grade_name} sinh năm {birth_year} là {age} tuổi tính theo năm học {period}; tuổi hợp lý của khối là {min_age}–{max_age} tuổi.
-- Age = first year of the school year − birth year. Lớp g (01–12) enters at g + 5 years; one year
-- younger (grade skipping) and up to five older (late entry by up to 3 years, repeats) are plausible.
-- Nhà trẻ takes children from 3 months to 36 months, mẫu giáo from 3 to 6 years.
with bounds(grade, min_age, max_age) as (
    select lpad(g::varchar, 2, '0'), g + 4, g + 10 from range(1, 13) t(g)
    union all values ('16', 0, 3), ('17', 2, 6)
),
pupils as (
    select file_sha256, sheet, row_number, grade, birth_date, school_year from raw.hs_danh_sach
    union all
    select file_sha256, sheet, row_number, grade, birth_date, school_year from raw.lop_ket_qua
),
aged as (
    select p.*, try_cast(split_part(p.school_year, '-', 1) as integer) - year(try_cast(p.birth_date as date)) as age
    from pupils p
)
select
    a.file_sha256, a.sheet, a.row_number::integer as row_number, 'birth_date' as column_key, a.birth_date as value,
    coalesce(k.name, 'khối ' || a.grade) as grade_name, year(try_cast(a.birth_date as date)) as birth_year, a.age,
    a.school_year as period, b.min_age, b.max_age
from aged a
join bounds b using (grade)
left join ref.codelist_entries k on k.codelist = 'DM_KHOI' and k.code = a.grade
where a.age is not null and (a.age < b.min_age or a.age > b.max_age)
