-- Vaccination coverage per period, unit (both geographies, core.school_units), vaccine and dose:
-- pupils given the dose ÷ pupils enrolled in the schools that sent a vaccination list, × 100.
with doses as (
    select
        period,
        school_id,
        vaccine_code,
        dose,
        count(*) as vaccinated
    from core.programme_facts
    where fact = 'vaccination'
    group by all
),

enrolled as (
    -- only the schools and periods with a vaccination list are counted (the join below keeps no other)
    select
        pupils.period,
        pupils.school_id,
        count(*) filter (where pupils.is_enrolled) as pupils
    from core.pupils as pupils
    where exists (
        select 1
        from doses
        where doses.period = pupils.period
            and doses.school_id = pupils.school_id
    )
    group by all
),

vaccines as (
    select
        code as vaccine_code,
        name as vaccine_name
    from ref.codelist_entries
    where codelist = 'TK_VAC_XIN'
)

select
    doses.period,
    units.geography,
    units.unit_level,
    units.province_code,
    units.unit_code,
    any_value(units.unit_name) as unit_name,
    doses.vaccine_code,
    any_value(vaccines.vaccine_name) as vaccine_name,
    doses.dose,
    count(distinct doses.school_id) as count_schools,
    sum(coalesce(enrolled.pupils, 0))::bigint as count_pupils,
    sum(doses.vaccinated)::bigint as count_vaccinated,
    round(100.0 * sum(doses.vaccinated) / nullif(sum(coalesce(enrolled.pupils, 0)), 0), 2) as coverage_pct
from doses
inner join core.school_units as units
    on units.school_id = doses.school_id
left join enrolled
    on enrolled.period = doses.period
    and enrolled.school_id = doses.school_id
left join vaccines
    on vaccines.vaccine_code = doses.vaccine_code
group by all
order by all
