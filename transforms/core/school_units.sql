-- Where each school is counted, on both geographies, one row per (school, geography, unit level):
--   geography 'new': province and commune since 1/7/2025 (34 provinces, two tiers);
--   geography 'old': province and district before (63 provinces, three tiers).
-- Every period is placed on both through the school's own units (core.schools), so a series on the
-- new geography runs back before 2025 and one on the old geography runs on after it, comparable
-- across 1 July 2025. A school without a known unit has unit_code null.
with schools as (
    select * from core.schools
)

select school_id, 'new' as geography, 'province' as unit_level, province_code, province_name, province_code as unit_code, province_name as unit_name from schools
union all
select school_id, 'new', 'commune', province_code, province_name, commune_code, commune_name from schools
union all
select school_id, 'old', 'province', old_province_code, old_province_name, old_province_code, old_province_name from schools
union all
select school_id, 'old', 'district', old_province_code, old_province_name, old_district_code, old_district_name from schools
