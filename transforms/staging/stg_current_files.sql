-- The files that count: for each form, school and period the newest one (a resubmission
-- supersedes; warehouse/loader.ts keeps ops.files.is_current). Every staging model reads its raw
-- rows through this.
select
    file_sha256,
    form,
    form_version,
    period,
    school_code
from ops.files
where is_current
