-- Grades (DM_KHOI) with their level (Mã cấp học) and whether each is the last grade of a programme:
-- Khối 5, 9 and 12 end primary, lower and upper secondary, in general schools (codes 05, 09, 12)
-- and in continuing education (GDTX, level 05: codes 28, 23 and 15, which carry the same names).
-- Preschool and the literacy classes have no last grade here (no completion rate is computed).
-- Read from the code list, their one home; this model is the one home of the last grades.
select
    code as grade_code,
    name as grade_name,
    json_extract_string(extra, '$."Mã cấp học"') as level_code,
    coalesce(regexp_extract(name, '^Khối (\d+)$', 1) in ('5', '9', '12'), false) as is_last_grade
from ref.codelist_entries
where codelist = 'DM_KHOI'
