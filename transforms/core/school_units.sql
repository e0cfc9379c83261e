-- Where each school is counted, on both geographies, one row per (school, geography, unit level):
--   geography 'new': province and commune since 1/7/2025 (34 provinces, two tiers);
--   geography 'old': province and district before (63 provinces, three tiers).
-- Every period is placed on both through the school's own units (core.schools), so a series on the
-- new geography runs back before 2025 and one on the old geography runs on after it, comparable
-- across 1 July 2025. A school without a known unit has unit_code null.
-- A unit carries one name: that of its newest version on its geography (core.unit_names), so a unit
-- renamed after 1/7/2025 (Tỉnh Đồng Nai → Thành phố Đồng Nai, 25/7/2026) is one row in every mart,
-- whichever version of a commune its schools were placed through.
with schools as (
    select * from core.schools
),

placed as (
    select school_id, 'new' as geography, 'province' as unit_level, province_code, province_code as unit_code from schools
    union all
    select school_id, 'new', 'commune', province_code, commune_code from schools
    union all
    select school_id, 'old', 'province', old_province_code, old_province_code from schools
    union all
    select school_id, 'old', 'district', old_province_code, old_district_code from schools
)

select
    placed.school_id,
    placed.geography,
    placed.unit_level,
    placed.province_code,
    provinces.name as province_name,
    placed.unit_code,
    units.name as unit_name
from placed
left join core.unit_names as provinces
    on provinces.geography = placed.geography
    and provinces.level = 'province'
    and provinces.code = placed.province_code
left join core.unit_names as units
    on units.geography = placed.geography
    and units.level = placed.unit_level
    and units.code = placed.unit_code
