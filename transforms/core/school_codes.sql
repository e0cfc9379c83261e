-- Every code a school has reported under, with the school's stable id (school_id). A school keeps
-- its id across the reorganisation of 1/7/2025: the id is its code in the registry (csdl_truong,
-- the newest period), and the code it had before (previous_code) points to the same id. A code seen
-- in a list but in no registry is its own id (is_in_registry = false; marts show it without a unit).
-- One row per code, so that no pupil counts twice: when two registry schools claim the same code
-- (two schools give the same previous code, or one school's previous code is another's current
-- code), the claim from the newest registry wins, then the school whose current code it is, then
-- the lowest school_id; `claimants` says how many schools claimed it, and the assertion
-- school_codes_claimed_once lists the codes claimed more than once so the Sở can correct the registry.
with registry as (
    select *
    from staging.stg_csdl__truong
    qualify row_number() over (partition by school_code order by period desc, file_sha256, sheet, source_row) = 1
),

registry_codes as (
    select
        school_code as code,
        school_code as school_id,
        'registry' as code_kind,
        period
    from registry
    union all
    select
        previous_code as code,
        school_code as school_id,
        'previous' as code_kind,
        period
    from registry
    where previous_code is not null
        and previous_code <> school_code
),

claimed as (
    select
        code,
        school_id,
        code_kind,
        count(distinct school_id) over (partition by code) as claimants,
        string_agg(distinct school_id, ', ' order by school_id) over (partition by code) as claimed_by
    from registry_codes
    qualify row_number() over (partition by code order by period desc, code_kind = 'registry' desc, school_id) = 1
),

seen as (
    select distinct school_code as code
    from staging.stg_reported_school_codes
),

final as (
    select
        code,
        school_id,
        code_kind,
        true as is_in_registry,
        claimants,
        claimed_by
    from claimed
    union all
    select
        seen.code,
        seen.code as school_id,
        'unregistered' as code_kind,
        false as is_in_registry,
        0 as claimants,
        null as claimed_by
    from seen
    where seen.code is not null
        and seen.code not in (select code from registry_codes)
)

select * from final
