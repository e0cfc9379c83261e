-- Vaccination coverage per period, unit (both geographies), vaccine and dose: pupils given the dose
-- ÷ pupils enrolled in the schools that sent a vaccination list, × 100.
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
    select
        period,
        school_id,
        count(*) filter (where is_enrolled) as pupils
    from core.pupils
    group by all
),

per_school as (
    select
        doses.*,
        coalesce(enrolled.pupils, 0) as pupils
    from doses
    left join enrolled
        using (period, school_id)
),

placed as (
    select
        per_school.*,
        schools.province_code,
        schools.province_name,
        schools.commune_code,
        schools.commune_name,
        schools.old_province_code,
        schools.old_province_name,
        schools.old_district_code,
        schools.old_district_name
    from per_school
    left join core.schools as schools
        using (school_id)
),

on_geographies as (
    select 'new' as geography, 'province' as unit_level, province_code as unit_province_code, province_code as unit_code, province_name as unit_name, * from placed
    union all
    select 'new', 'commune', province_code, commune_code, commune_name, * from placed
    union all
    select 'old', 'province', old_province_code, old_province_code, old_province_name, * from placed
    union all
    select 'old', 'district', old_province_code, old_district_code, old_district_name, * from placed
),

vaccines as (
    select
        code as vaccine_code,
        name as vaccine_name
    from ref.codelist_entries
    where codelist = 'TK_VAC_XIN'
)

select
    on_geographies.period,
    on_geographies.geography,
    on_geographies.unit_level,
    on_geographies.unit_province_code as province_code,
    on_geographies.unit_code,
    any_value(on_geographies.unit_name) as unit_name,
    on_geographies.vaccine_code,
    any_value(vaccines.vaccine_name) as vaccine_name,
    on_geographies.dose,
    count(distinct on_geographies.school_id) as count_schools,
    sum(on_geographies.pupils)::bigint as count_pupils,
    sum(on_geographies.vaccinated)::bigint as count_vaccinated,
    round(100.0 * sum(on_geographies.vaccinated) / nullif(sum(on_geographies.pupils), 0), 2) as coverage_pct
from on_geographies
left join vaccines
    using (vaccine_code)
group by all
order by all
