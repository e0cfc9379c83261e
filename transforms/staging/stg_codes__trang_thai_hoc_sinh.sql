-- Pupil statuses (DM_TRANG_THAI_HOC_SINH) in groups, read from the names in the code list:
-- "Thôi học …" = dropout, "Chuyển đi …" = transferred out; the rest are enrolled.
select
    code as status_code,
    name as status_name,
    name like 'Thôi học%' as is_dropout,
    name like 'Chuyển đi%' as is_transferred_out
from ref.codelist_entries
where codelist = 'DM_TRANG_THAI_HOC_SINH'
