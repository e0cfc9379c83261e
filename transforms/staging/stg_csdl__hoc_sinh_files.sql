-- The current pupil lists (form hs_danh_sach and its variants), one row per file: the period,
-- school code and school name its title block states (every row of a list carries them, so they
-- are read per file: at national scale this is 0.1 s where the same from the rows of
-- stg_csdl__hoc_sinh took 2–3 s) and how many rows it has.
with files as (
    select
        file_sha256,
        min(school_year) as period,
        min(school_code) as school_code,
        min(school_name) as school_name,
        count(*) as row_count
    from raw.hs_danh_sach
    group by file_sha256
)

select files.*
from files
inner join staging.stg_current_files as current_files
    on current_files.file_sha256 = files.file_sha256
