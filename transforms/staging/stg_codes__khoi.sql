-- Grades (DM_KHOI) with their level (Mã cấp học) and whether each is the last grade of its level
-- (5, 9, 12 for primary, lower and upper secondary): read from the code list, their one home.
select
    code as grade_code,
    name as grade_name,
    json_extract_string(extra, '$."Mã cấp học"') as level_code,
    code = max(code) over (partition by json_extract_string(extra, '$."Mã cấp học"')) as is_last_grade
from ref.codelist_entries
where codelist = 'DM_KHOI'
